"""Command line: ``python -m nnlab lab`` starts JupyterLab on the lecture notebooks."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def lab_command(notebooks: Path, extra: list[str]) -> list[str]:
    """The JupyterLab command line for ``notebooks`` (``--allow-root`` only when running as root)."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={notebooks}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lab", help="start JupyterLab on the lecture notebooks (other options go to jupyter lab)")
    args, passthrough = parser.parse_known_args(argv)

    if args.command == "lab":
        if not NOTEBOOKS.is_dir():
            parser.error(f"no notebooks folder at {NOTEBOOKS}; install nnlab from a clone with 'pip install -e .[lab]'")
        if importlib.util.find_spec("jupyterlab") is None:
            parser.error("JupyterLab is not installed; install it with: pip install -e '.[lab]'")
        cmd = lab_command(NOTEBOOKS, passthrough)
        os.execv(cmd[0], cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
