"""Slide-ready media from panels: still pictures and animations (GIF, MP4, self-contained HTML).

Frames come from ``nnlab.render.figure.PanelFigure.frames`` (the static background drawn once,
each frame redrawing only a view's dynamic artists); this module encodes them:

- GIF with Pillow, one palette computed from the frames for all of them;
- MP4 (H.264) by piping raw frames to ``ffmpeg`` when it is installed;
- HTML: one file with every frame embedded (palette PNG, base64) and nnlab's player
  (``templates/player.html``: play, pause, step, slider, speed), so it works offline with no frame limit
  (matplotlib's ``to_jshtml`` drops frames past 20 MB and loads its icons from a CDN). The same player shows
  sweep pages, and notebook pages carry it in their panels' places.
"""

from __future__ import annotations

import base64
import html
import io
import json
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError

ANIMATION_FORMATS = ("gif", "mp4", "html")
TEMPLATES = Path(__file__).with_name("templates")


@cache
def template(name: str) -> str:
    """The text of ``templates/<name>`` (package data)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def palette_frames(frames: Sequence[np.ndarray]) -> list[Any]:
    """The frames as 8-bit palette images sharing one palette (no colour flicker between frames): the 256 most
    frequent colours of a sample of the frames, exactly, so that a figure's white, text and lines keep their
    colours (a median-cut palette turned white into 252 grey); other pixels take the nearest of them."""
    from PIL import Image

    frames = list(frames)
    sample = np.concatenate([np.asarray(f)[..., :3] for f in frames[:: max(1, len(frames) // 8)]])
    packed = sample.reshape(-1, 3).astype(np.uint32) @ np.array([65536, 256, 1], dtype=np.uint32)
    colours, counts = np.unique(packed, return_counts=True)
    top = colours[np.argsort(counts)[::-1][:256]]
    rgb = np.stack([top >> 16, (top >> 8) & 255, top & 255], axis=1).astype(np.uint8)
    flat_palette = np.concatenate([rgb, np.repeat(rgb[:1], 256 - len(rgb), axis=0)]).ravel().tolist()
    # A lookup table over every 24-bit colour, filled as colours turn up: each distinct colour is matched once
    # for all the frames (the palette's own colours map to themselves).
    lut = np.zeros(1 << 24, dtype=np.uint8)
    known = np.zeros(1 << 24, dtype=bool)
    lut[top], known[top] = np.arange(len(top), dtype=np.uint8), True
    palette_rgb = rgb.astype(np.int32)
    images = []
    for frame in frames:
        pixels = np.asarray(frame)[..., :3]
        codes = pixels.reshape(-1, 3).astype(np.uint32) @ np.array([65536, 256, 1], dtype=np.uint32)
        new = np.unique(codes[~known[codes]])
        if new.size:
            colours = np.stack([new >> 16, (new >> 8) & 255, new & 255], axis=1).astype(np.int32)
            distances = ((colours[:, None, :] - palette_rgb[None, :, :]) ** 2).sum(axis=2)
            lut[new], known[new] = np.argmin(distances, axis=1).astype(np.uint8), True
        image = Image.fromarray(lut[codes].reshape(pixels.shape[:2]), mode="P")
        image.putpalette(flat_palette)
        images.append(image)
    return images


def write_gif(frames: Sequence[np.ndarray], path: Path, fps: float) -> None:
    """An endlessly looping GIF."""
    images = palette_frames(frames)
    images[0].save(path, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0)


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def write_mp4(frames: Sequence[np.ndarray], path: Path, fps: float) -> None:
    """H.264 MP4 (yuv420p, plays in PowerPoint, Keynote and browsers) via ffmpeg."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise SettingError("MP4 needs ffmpeg, which is not installed (apt-get install ffmpeg); use .gif or .html")
    height, width = frames[0].shape[:2]
    cmd = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
           "-r", str(fps), "-i", "-", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)]  # fmt: skip
    proc = subprocess.run(cmd, input=b"".join(np.ascontiguousarray(f).tobytes() for f in frames), capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {proc.stderr.decode(errors='replace').strip()}")


def encode_pictures(pictures: Sequence[np.ndarray], optimize: bool = True) -> list[str]:
    """Each picture as a base64 PNG over one palette shared by all (small, and exact for a panel's few colours);
    ``optimize``: Pillow's smallest PNG (a third smaller, three times the time: 16 s against 5 for 200 frames)."""
    encoded = []
    for image in palette_frames(pictures):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=optimize)
        encoded.append(base64.b64encode(buffer.getvalue()).decode("ascii"))
    return encoded


def player_page(pictures: Sequence[np.ndarray], axes: dict[str, list[Any]], title: str, fps: float = 10,
                players: Sequence[str] = (), labels: Sequence[str] | None = None,
                statuses: Sequence[str] | None = None, optimize: bool = True) -> str:  # fmt: skip
    """nnlab's player (``templates/player.html``) over ``pictures``: one for every combination of the ``axes``'
    values (key -> values; the first key varies slowest); keys in ``players`` get play, step and speed at ``fps``.
    ``labels`` name the keys (default: the keys), ``statuses`` is a line under each picture; ``optimize``: see
    :func:`encode_pictures`."""
    height, width = pictures[0].shape[:2]
    return Template(template("player.html")).substitute(
        title=html.escape(title), width=width, height=height, keys=script(list(axes)),
        values=script(list(axes.values())), players=script(list(players)),
        labels=script(list(labels or axes)), statuses=script(list(statuses or [""] * len(pictures))), fps=fps,
        frames=script(encode_pictures(pictures, optimize)),
    )  # fmt: skip


def write_html(frames: Sequence[np.ndarray], path: Path, fps: float, title: str = "nnlab animation") -> None:
    """One self-contained HTML file: every frame as a base64 palette PNG, in nnlab's player."""
    frame = {"frame": list(range(1, len(frames) + 1))}
    page = player_page(frames, frame, title, fps, players=["frame"], optimize=False)  # hundreds of frames: fast
    path.write_text(page, encoding="utf-8")


def write_animation(frames: Sequence[np.ndarray], path: str | Path, fps: float = 20, title: str = "") -> Path:
    """Write ``frames`` as GIF, MP4 or HTML, chosen by the extension of ``path``."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ANIMATION_FORMATS:
        raise SettingError(f"path={str(path)!r}: an animation's extension must be .gif, .mp4 or .html")
    if not frames:
        raise SettingError("there are no frames to write")
    if fmt == "gif":
        write_gif(frames, path, fps)
    elif fmt == "mp4":
        write_mp4(frames, path, fps)
    else:
        write_html(frames, path, fps, title or "nnlab animation")
    return path


def size_inches(pixels: tuple[int, int], dpi: float = 100) -> tuple[float, float]:
    """Figure size in inches for a picture of ``pixels`` = (width, height) at ``dpi``."""
    width, height = pixels
    return width / dpi, height / dpi


STILL_FORMATS = ("png", "svg", "pdf")
MAX_FRAMES, MAX_FPS, MAX_SIZE = 2000, 120, (3840, 2160)
MIN_FPS = 0.1  # a frame every 10 s; a GIF holds at most 65.5 s per frame


def check_animation_options(path: str | Path, frames: Any, fps: Any, size: Any) -> None:
    """Refuse, with a message naming the option, what would fail or take unbounded time while encoding."""
    from nnlab.core._checks import check_int, check_number

    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ANIMATION_FORMATS:
        raise SettingError(f"path={str(path)!r}: an animation's extension must be .gif, .mp4 or .html")
    check_int("frames", frames, low=2, high=MAX_FRAMES)
    check_number("fps", fps, low=MIN_FPS, high=MAX_FPS)
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise SettingError(f"size must be (width, height) in pixels, got {size!r}") from None
    if not (100 <= width <= MAX_SIZE[0] and 100 <= height <= MAX_SIZE[1]):
        raise SettingError(f"size={width}x{height} is outside 100x100 to {MAX_SIZE[0]}x{MAX_SIZE[1]} pixels")


def export_panel(panel: Any, path: str | Path, animate: str | None = None, **options: Any) -> Path:
    """Save a panel's picture (.png, .svg, .pdf) or the animation of its 'play' control ``animate`` (.gif, .mp4,
    .html), by the extension of ``path``."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt in ANIMATION_FORMATS:
        return panel.save_animation(path, key=animate, **options)
    if animate:
        raise SettingError(f"--animate needs an animation file (.gif, .mp4 or .html), not {Path(path).name!r}")
    if fmt not in STILL_FORMATS:
        animates = any(c.kind == "play" for c in panel.state_controls())
        can = ", ".join(f".{f}" for f in (*STILL_FORMATS, *(ANIMATION_FORMATS if animates else ())))
        raise SettingError(f"path={str(path)!r}: {type(panel).__name__} writes {can}; the extension says which")
    return panel.save(path)


# --- an interactive page that needs no server ------------------------------------------------------------------
MAX_SWEEP = 400  # pictures in one page

PRESET = "preset"  # a sweep over the panel's presets (each applied from the defaults, then the other swept keys)


def animated_keys(panel: Any) -> list[str]:
    """The state keys the panel animates: its 'play' controls, and the progress of a panel that plays (training
    steps, search trials)."""
    keys = [c.name for c in panel.state_controls() if c.kind == "play"]
    progress = getattr(panel, "progress_key", "")
    return keys + ([progress] if progress else [])


def normalise_sweeps(panel_class: Any, sweeps: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``sweeps`` checked against a panel class and normalised as its settings normalise values, the preset
    first (it varies slowest; ``preset=all`` is every preset). A key or value it refuses is an error naming it."""
    if not sweeps:
        raise SettingError("--sweep: give at least one KEY=V1,V2,... to sweep")
    params = panel_class.state_params()
    normalised = {}
    for key, values in sweeps.items():
        if not isinstance(values, (list, tuple)) or not values:
            raise SettingError(f"--sweep {key}: give a list of at least one value, got {values!r}")
        if key == PRESET:
            values = list(panel_class.presets) if list(values) == ["all"] else values
            unknown = [v for v in values if v not in panel_class.presets]
            if unknown:
                names = ", ".join(panel_class.presets)
                raise SettingError(f"--sweep preset: {unknown[0]!r} is not a preset; the presets: {names}")
            normalised[key] = list(values)
        elif key not in params:
            raise SettingError(f"--sweep {key}: the panel has no such setting; its settings are: {', '.join(params)}")
        else:
            normalised[key] = [params[key].normalize(key, v) for v in values]
    total = int(np.prod([len(v) for v in normalised.values()]))
    if total > MAX_SWEEP:
        raise SettingError(f"the sweeps make {total} pictures; at most {MAX_SWEEP} fit one page: sweep fewer values")
    return {k: normalised[k] for k in sorted(normalised, key=lambda k: k != PRESET)}


def sweep_pictures(
    panel: Any, sweeps: dict[str, list[Any]]
) -> tuple[list[np.ndarray], dict[str, list[Any]], list[str]]:
    """The panel's picture for every combination of the swept values (the last key varies fastest), from the
    panel's current state, or from each swept preset; the values as :func:`normalise_sweeps` gives them; and each
    picture's status line."""
    import itertools

    normalised = normalise_sweeps(type(panel), sweeps)
    base = panel.state
    pictures, statuses = [], []
    for combo in itertools.product(*normalised.values()):
        chosen = dict(zip(normalised, combo))
        preset = chosen.pop(PRESET, None)
        if preset is None:
            panel.set(**{**base, **chosen})
        else:
            panel.apply_preset(preset)
            if chosen:
                panel.set(**chosen)
        if panel.error:
            raise SettingError(f"{dict(zip(normalised, combo))}: {panel.error}")
        pictures.append(np.ascontiguousarray(panel.image()[:, :, :3]))
        statuses.append(panel.status)
    panel.set(**base)
    return pictures, normalised, statuses


def script(value: Any) -> str:
    """``value`` as JavaScript inside a <script> element: JSON, with "</" written "<\\/" so that no text (a status
    line, a preset's name) can end the element."""
    import json

    return json.dumps(value).replace("</", "<\\/")


def sweep_page(panel: Any, sweeps: dict[str, list[Any]], title: str = "", fps: float = 10) -> tuple[str, int]:
    """The HTML of a sweep page (see :func:`write_sweep`) and its number of pictures; keys the panel animates get
    a play button that steps through their values at ``fps``."""

    pictures, normalised, statuses = sweep_pictures(panel, sweeps)
    players = [k for k in animated_keys(panel) if k in normalised]
    named: dict[str, str] = {}
    for control in panel.state_controls():  # the first control of a key names it (a step button may follow)
        named.setdefault(control.name, control.label)
    labels = [named.get(key, key) for key in normalised]
    page = player_page(pictures, normalised, title or f"nnlab: {panel.title}", fps, players, labels, statuses)
    return page, len(pictures)


def write_sweep(panel: Any, sweeps: dict[str, list[Any]], path: str | Path, title: str = "") -> int:
    """One self-contained HTML page: the panel's picture for every combination of ``sweeps`` (palette PNGs,
    base64) and plain-JavaScript controls that flip between them (a slider for numbers, with a play button
    where the panel animates; buttons otherwise). No kernel, no network: it opens from disk, on a course
    website, or in a reveal.js slide as an iframe. Returns the number of pictures."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise SettingError(f"path={str(path)!r}: a sweep page's extension must be .html")
    page, pictures = sweep_page(panel, sweeps, title)
    path.write_text(page, encoding="utf-8")
    return pictures


# --- a lecture notebook as a page that needs no server ----------------------------------------------------------
def notebook_panels(notebook: Any) -> list[tuple[Any, dict[str, Any]]]:
    """The panel cells of a notebook and what they declare in their ``nnlab`` metadata: ``panel`` (its name),
    ``sweep`` ({key: values}, as ``--sweep``) and optionally ``preset``."""
    found = []
    for cell in notebook.cells:
        spec = cell.get("metadata", {}).get("nnlab")
        if cell.cell_type == "code" and spec:
            if not isinstance(spec, dict) or "panel" not in spec:
                raise SettingError(
                    f"cell {cell.get('id', '?')}: its 'nnlab' metadata must name a 'panel', got {spec!r}"
                )
            found.append((cell, spec))
    return found


def topic_notebooks(folder: str | Path) -> dict[str, str]:
    """Which lecture notebook in ``folder`` shows each panel (panel name -> notebook file name), from the notebooks'
    own cell metadata (``nnlab={"panel": ...}``): the one map, kept where the notebook declares it."""
    out: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            spec = cell.get("metadata", {}).get("nnlab")
            if cell.get("cell_type") == "code" and isinstance(spec, dict) and "panel" in spec:
                out.setdefault(spec["panel"], path.name)
    return out


def notebook_title(path: Path, notebook: Any) -> str:
    """The notebook's first heading ("# Dropout" -> "Dropout"), else its file name."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return f"nnlab: {line.lstrip('#').strip()}"
    return f"nnlab: {path.stem}"


def notebook_page(notebook_path: str | Path, sweeps: dict[str, list[Any]] | None = None) -> tuple[str, int]:
    """A lecture notebook as one HTML page: its text and code through nbconvert, and each panel cell's output an
    interactive sweep page (in an iframe, so that pages do not share their scripts) for the sweeps the cell
    declares, or ``sweeps`` for every panel. Returns the HTML and the number of pictures."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from nnlab.topics import get_panel_class

    notebook_path = Path(notebook_path)
    try:
        notebook = nbformat.read(notebook_path, as_version=4)
    except FileNotFoundError:
        raise SettingError(f"--notebook {notebook_path}: no such notebook") from None
    panels = notebook_panels(notebook)
    if not panels:
        raise SettingError(
            f"--notebook {notebook_path.name}: no cell declares a panel (code-cell metadata "
            '"nnlab": {"panel": NAME, "sweep": {KEY: [VALUES]}})'
        )
    pictures = 0
    for cell, spec in panels:
        panel = get_panel_class(spec["panel"])()
        if spec.get("preset"):
            panel.apply_preset(spec["preset"])
        chosen = sweeps or spec.get("sweep") or {}
        page, count = sweep_page(panel, chosen)
        pictures += count
        width, height = (int(v) for v in panel.image().shape[1::-1])
        rows = len(chosen)
        frame = (
            f'<iframe class="nnlab-sweep" title="{html.escape(panel.title)}" srcdoc="{html.escape(page)}" '
            f'style="width: {width + 20}px; max-width: 100%; height: {height + 36 * rows + 60}px; border: 0">'
            "</iframe>"
        )
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": frame})]
    loader = DictLoader({"nnlab.html.j2": template("notebook.html.j2")})
    # No "In [ ]:" before each cell (nothing ran: the prompts would stay empty); the page is titled after the
    # notebook's first heading, not nbconvert's "Notebook".
    exporter = HTMLExporter(template_name="lab", extra_loaders=[loader], exclude_input_prompt=True,
                            exclude_output_prompt=True)  # fmt: skip
    exporter.template_file = "nnlab.html.j2"
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": notebook_title(notebook_path, notebook)}}
    )
    return body, pictures


def write_notebook_page(notebook_path: str | Path, path: str | Path, sweeps: dict[str, list[Any]] | None = None) -> int:
    """Write :func:`notebook_page` to ``path`` (.html); returns the number of pictures."""
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise SettingError(f"path={str(path)!r}: a notebook page's extension must be .html")
    body, pictures = notebook_page(notebook_path, sweeps)
    path.write_text(body, encoding="utf-8")
    return pictures
