"""Command line.

    python -m nnlab lab                                   # JupyterLab on the lecture notebooks
    python -m nnlab export trajectories --preset "saddle point" -o saddle.gif
    python -m nnlab export initialization --set activation=relu --set init=he_normal -o he.svg

``export`` renders any panel state to PNG, SVG or PDF, or (for panels that animate) to
GIF, MP4 (needs ffmpeg) or a self-contained HTML animation. ``--set key=value`` takes JSON
values (numbers, true/false, lists) and falls back to plain strings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def lab_command(notebooks: Path, extra: list[str]) -> list[str]:
    """The JupyterLab command line for ``notebooks`` (``--allow-root`` only when running as root)."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + extra


def parse_assignment(text: str) -> tuple[str, object]:
    """``key=value`` with a JSON value, or the raw string when it is not JSON."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"--set takes key=value, got {text!r}")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def export(args: argparse.Namespace) -> int:
    from nnlab.export import export_panel
    from nnlab.panels import get_panel_class

    cls = get_panel_class(args.panel)
    panel = cls()
    if args.preset:
        panel.apply_preset(args.preset)
    if args.set:
        panel.set(**dict(args.set))
    if panel.error:
        print(f"error: {panel.error}", file=sys.stderr)
        return 2
    options = {}
    if Path(args.output).suffix.lower() in (".gif", ".mp4", ".html"):
        options = {"frames": args.frames, "fps": args.fps}
        if args.size:
            width, _, height = args.size.partition("x")
            options["size"] = (int(width), int(height))
    path = export_panel(panel, args.output, **options)
    print(f"wrote {path}" + (f" ({panel.status})" if panel.status else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnlab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lab", help="start JupyterLab on the lecture notebooks (other options go to jupyter lab)")
    ex = sub.add_parser("export", help="render a panel to PNG, SVG, PDF, GIF, MP4 or HTML")
    ex.add_argument("panel", help="initialization, trajectories, ...")
    ex.add_argument("-o", "--output", required=True, help="the file to write; its extension picks the format")
    ex.add_argument("--preset", help="apply this preset first")
    ex.add_argument("--set", action="append", type=parse_assignment, metavar="KEY=VALUE", help="change the state")
    ex.add_argument("--frames", type=int, default=200, help="animation frames (default 200)")
    ex.add_argument("--fps", type=float, default=20, help="animation frames per second (default 20)")
    ex.add_argument("--size", help="animation size in pixels, WIDTHxHEIGHT (default 600x450)")
    args, passthrough = parser.parse_known_args(argv)

    if args.command == "export":
        if passthrough:
            parser.error(f"unrecognized arguments: {' '.join(passthrough)}")
        try:
            return export(args)
        except (ValueError, TypeError, RuntimeError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    if not NOTEBOOKS.is_dir():
        parser.error(f"no notebooks folder at {NOTEBOOKS}; install nnlab from a clone with 'pip install -e .[lab]'")
    if importlib.util.find_spec("jupyterlab") is None:
        parser.error("JupyterLab is not installed; install it with: pip install -e '.[lab]'")
    cmd = lab_command(NOTEBOOKS, passthrough)
    os.execv(cmd[0], cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
