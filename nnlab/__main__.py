"""Command line.

    nnlab lab                                             # JupyterLab on the lecture notebooks (or python -m nnlab)
    python -m nnlab export trajectories --preset "saddle point" -o saddle.gif
    python -m nnlab export initialization --set activation=relu --set init=he_normal -o he.svg

``export`` renders any panel state to PNG, SVG or PDF, or (for panels that animate) to
GIF, MP4 (needs ffmpeg) or a self-contained HTML animation; with ``--sweep KEY=V1,V2,...``
(repeatable) it writes one HTML page with a picture for every combination and controls
that flip between them, which needs no server:

    nnlab export losses --sweep score_car=0,2,4,6 --sweep hinge=hinge,"squared hinge" -o svm.html
    nnlab export trajectories --sweep preset="long valley","saddle point" --sweep frame=[0,50,100] -o paths.html

``--sweep preset=...`` sweeps presets; a key the panel animates gets a play button. ``--notebook`` writes a whole
lecture notebook as such a page, each panel swept as its cell's metadata declares:

    nnlab export --notebook 05_dropout -o dropout.html

``--set key=value`` takes JSON values (numbers, true/false, lists) and falls back to plain strings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

from nnlab.core._checks import SettingError


def notebooks_folder() -> Path:
    """The lecture notebooks: the package's own (``nnlab.notebooks``, in a wheel and in an editable install
    alike), else a clone's ``notebooks/`` folder."""
    spec = importlib.util.find_spec("nnlab.notebooks")
    if spec is not None and spec.origin:
        return Path(spec.origin).parent
    return Path(__file__).resolve().parents[1] / "notebooks"


def lab_command(notebooks: Path, extra: list[str]) -> list[str]:
    """The JupyterLab command line for ``notebooks``: served from the folder above it, as ``jupyter lab`` serves the
    current folder, opening on the index notebook (``--allow-root`` only when running as root).

    The notebooks sit one folder down on purpose: RISE 0.42 asks for a slideshow's style sheets at
    ``files/<the notebook's folder>/rise.css``, which for a notebook at the server's root becomes ``files//rise.css``,
    refused by the server (403) and reported in the console.
    """
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks.parent}",
           f"--LabApp.default_url=/lab/tree/{notebooks.name}/00_index.ipynb"]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + extra


def copy_notebooks(source: Path, target: Path, refresh: bool = False) -> list[Path]:
    """Copy the lecture notebooks into ``target`` (a working copy: autosave never writes into the originals), with
    the slideshows' style sheets beside them.

    A file already there is kept (a student's edits are never overwritten) unless ``refresh``.
    Returns the notebooks copied.
    """
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted([*source.glob("*.ipynb"), *source.glob("*.css")]):
        dest = target / path.name
        if refresh or not dest.exists():
            shutil.copyfile(path, dest)
            copied.append(dest)
    return [path for path in copied if path.suffix == ".ipynb"]


def parse_assignment(text: str) -> tuple[str, object]:
    """``key=value`` with a JSON value, or the raw string when it is not JSON."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"--set takes key=value, got {text!r}")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def parse_sweep(text: str) -> tuple[str, list[object]]:
    """``key=v1,v2,...`` (each value JSON, else a plain string) or ``key=[...]`` (a JSON list, for values with
    commas in them)."""
    key, sep, raw = text.partition("=")
    if not sep or not key or not raw:
        raise argparse.ArgumentTypeError(f"--sweep takes KEY=V1,V2,... or KEY=[JSON list], got {text!r}")
    if raw.lstrip().startswith("["):
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as err:
            raise argparse.ArgumentTypeError(f"--sweep {key}: {raw!r} is not a JSON list ({err.msg})") from None
        return key, list(values)
    return key, [parse_assignment(f"{key}={part.strip()}")[1] for part in raw.split(",")]


def check_output(path: str) -> Path:
    """The output file, refused in one line when it cannot be written: no folder, a folder, under a file."""
    out = Path(path)
    if out.is_dir():
        raise SettingError(f"-o {path}: that is a folder; give a file name such as {out / 'figure.png'}")
    parent = out.parent
    for folder in (parent, *parent.parents):
        if folder.exists():
            if not folder.is_dir():
                raise SettingError(f"-o {path}: {folder} is a file, not a folder")
            break
    if not parent.is_dir():
        raise SettingError(f"-o {path}: the folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise SettingError(f"-o {path}: no permission to write there")
    return out


def parse_size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.strip().isdigit() or not height.strip().isdigit():
        raise SettingError(f"--size {text!r}: give WIDTHxHEIGHT in pixels, such as 600x450")
    return int(width), int(height)


def export(args: argparse.Namespace) -> int:
    from nnlab.export import ANIMATION_FORMATS, export_panel
    from nnlab.topics import get_panel_class

    output = check_output(args.output)
    sweeps = dict(args.sweep or [])
    if len(sweeps) != len(args.sweep or []):
        raise SettingError("--sweep: each setting may be swept once")
    if args.notebook:
        return export_notebook(args, output, sweeps)
    if not args.panel:
        raise SettingError("name a panel (initialization, trajectories, ...) or give --notebook NOTEBOOK")
    cls = get_panel_class(args.panel)
    panel = cls()
    if args.preset:
        panel.apply_preset(args.preset)
    if args.set:
        panel.set(**dict(args.set))
    if panel.error:
        print(f"error: {panel.error}", file=sys.stderr)
        return 2
    if sweeps:
        from nnlab.export import write_sweep

        pictures = write_sweep(panel, sweeps, output)
        print(f"wrote {output}: {pictures} pictures, {output.stat().st_size / 1e6:.2f} MB, no server needed")
        return 0
    options = {}
    if output.suffix.lower().lstrip(".") in ANIMATION_FORMATS:
        options = {"frames": args.frames, "fps": args.fps, "size": parse_size(args.size)}
    try:
        path = export_panel(panel, output, animate=args.animate, **options)
    except OSError as err:
        raise SettingError(f"-o {args.output}: could not write it ({err.strerror or err})") from None
    print(f"wrote {path}" + (f" ({panel.status})" if panel.status else ""))
    return 0


def find_notebook(name: str) -> Path:
    """A notebook by path, or by name among the lecture notebooks (``05_dropout``, ``05_dropout.ipynb``)."""
    path = Path(name)
    if path.exists():
        return path
    shipped = notebooks_folder() / Path(name).with_suffix(".ipynb").name
    if shipped.exists():
        return shipped
    names = ", ".join(p.stem for p in sorted(notebooks_folder().glob("*.ipynb")))
    raise SettingError(f"--notebook {name}: no such file, and no lecture notebook of that name ({names})")


def export_notebook(args: argparse.Namespace, output: Path, sweeps: dict[str, list[object]]) -> int:
    if args.panel or args.preset or args.set or args.animate:
        raise SettingError("--notebook exports the panels as its cells declare them: give no panel, --preset or --set")
    try:
        from nnlab.export import write_notebook_page
    except ImportError as err:  # pragma: no cover - nbconvert comes with the lab extra
        raise RuntimeError(f"{err}; install it with: pip install 'nnlab-lectures[lab]'") from None
    pictures = write_notebook_page(find_notebook(args.notebook), output, sweeps or None)
    print(f"wrote {output}: {pictures} pictures, {output.stat().st_size / 1e6:.2f} MB, no server needed")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nnlab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser(
        "lab", help="start JupyterLab on a working copy of the lecture notebooks (other options go to jupyter lab)"
    )
    lab.add_argument("--dir", default="nnlab-notebooks", help="the working copy's folder (default ./nnlab-notebooks)")
    lab.add_argument("--refresh", action="store_true", help="copy the notebooks again, replacing edited copies")
    lab.add_argument("--copy-only", action="store_true", help="copy the notebooks, do not start JupyterLab")
    ex = sub.add_parser("export", help="render a panel to PNG, SVG, PDF, GIF, MP4 or HTML, or a notebook to HTML")
    ex.add_argument("panel", nargs="?", help="initialization, trajectories, ...")
    ex.add_argument("--notebook", metavar="NOTEBOOK",
                    help="a lecture notebook (a path, or a name such as 05_dropout) as one .html page that needs no "
                         "server: its text, and each panel as the sweeps its cell declares (or --sweep)")  # fmt: skip
    ex.add_argument("-o", "--output", required=True, help="the file to write; its extension picks the format")
    ex.add_argument("--preset", help="apply this preset first")
    ex.add_argument("--set", action="append", type=parse_assignment, metavar="KEY=VALUE", help="change the state")
    ex.add_argument("--frames", type=int, default=200, help="animation frames (default 200)")
    ex.add_argument("--fps", type=float, default=20, help="animation frames per second (default 20)")
    ex.add_argument("--size", default="600x450", help="animation size in pixels, WIDTHxHEIGHT (default 600x450)")
    ex.add_argument("--animate", metavar="KEY", help="the 'play' control to animate (default: the panel's first)")
    ex.add_argument("--sweep", action="append", type=parse_sweep, metavar="KEY=V1,V2,...",
                    help="an interactive .html page: a picture per combination of the swept values")  # fmt: skip
    args, passthrough = parser.parse_known_args(argv)

    if args.command == "export":
        if passthrough:
            parser.error(f"unrecognized arguments: {' '.join(passthrough)}")
        try:
            return export(args)
        except (ValueError, TypeError, RuntimeError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    notebooks = notebooks_folder()
    if not any(notebooks.glob("*.ipynb")):
        parser.error(f"no lecture notebooks in {notebooks}; reinstall: pip install 'nnlab-lectures[lab]'")
    work = Path(args.dir).resolve()
    copied = copy_notebooks(notebooks, work, refresh=args.refresh)
    print(f"nnlab: working copy of the notebooks in {work} ({len(copied)} copied)")
    if args.copy_only:
        return 0
    if importlib.util.find_spec("jupyterlab") is None:
        parser.error("JupyterLab is not installed; install it with: pip install 'nnlab-lectures[lab]'")
    from nnlab.runtime.malloc import malloc_env

    cmd = lab_command(work, passthrough)
    os.execve(cmd[0], cmd, malloc_env(dict(os.environ)))  # the kernels inherit the malloc thresholds
    return 0


if __name__ == "__main__":
    sys.exit(main())
