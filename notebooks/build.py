"""Write the lecture notebooks from their text sources: ``python notebooks/build.py``.

Each notebook's cells live in ``notebooks/src/<name>.py`` in jupytext's percent format (``# %%`` starts
a code cell, ``# %% [markdown]`` a text cell): plain text, reviewable in a diff. This script adds what
every notebook shares (kernelspec, slideshow metadata, no outputs) and writes ``notebooks/<name>.ipynb``;
``tests/notebooks`` checks that the committed ``.ipynb`` files equal what it writes. Edit the text
files, then run it. A markdown cell starting with "# " or "## " begins a new slide; other cells are
sub-slides or fragments of it.

In a notebook's text, **bold** names a preset (or a button) of its panel and *italics* a control, a
view or an option, exactly as the panel labels them; other emphasis uses _underscores_. A test checks it.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def read(name: str, sources: Path = SOURCES):
    import jupytext

    return jupytext.read(sources / f"{Path(name).stem}.py", fmt="py:percent")


def cells(name: str, sources: Path = SOURCES) -> list[tuple[str, str]]:
    """(kind, source) of every cell of ``name`` ("02_preprocessing.ipynb"), kind "md" or "code"."""
    return [("md" if cell.cell_type == "markdown" else "code", cell.source) for cell in read(name, sources).cells]


def declared(name: str, sources: Path = SOURCES) -> list[dict | None]:
    """Each cell's ``nnlab`` metadata, or None. A panel's cell declares its panel and the sweeps of its page
    without a server (``nnlab export --notebook``): ``# %% nnlab={"panel": ..., "sweep": {...}}`` in the source."""
    return [cell.metadata.get("nnlab") for cell in read(name, sources).cells]


NOTEBOOKS = sorted(f"{path.stem}.ipynb" for path in SOURCES.glob("*.py"))


def slide_type(index: int, kind: str, source: str) -> str:
    """A slide for each heading; a panel's cell starts a slide of its own below it (a subslide), so that the
    panel has the whole slide; other cells continue the slide they are on."""
    if index == 0 or (kind == "md" and source.startswith(("# ", "## "))):
        return "slide"
    if kind == "code" and "Panel(" in source:
        return "subslide"
    return "fragment" if kind == "md" else "-"


def notebook(items: list[tuple[str, str]], name: str) -> dict:
    out = []
    for i, (kind, source) in enumerate(items):
        cell = {
            "cell_type": "markdown" if kind == "md" else "code",
            "id": f"{name.split('_')[0]}-{i:02d}",
            "metadata": {"slideshow": {"slide_type": slide_type(i, kind, source)}},
            "source": source.splitlines(keepends=True),
        }
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            # "white": reveal.js's default "simple" theme fetches its fonts from fonts.googleapis.com (no network
            # in a lecture hall, an error in the console); "white" has its fonts in the extension.
            "rise": {"scroll": True, "enable_chalkboard": False, "center": False, "theme": "white"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render(name: str, sources: Path = SOURCES) -> str:
    nb = notebook(cells(name, sources), name)
    for cell, metadata in zip(nb["cells"], declared(name, sources)):
        if metadata is not None:
            cell["metadata"]["nnlab"] = metadata
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


# RISE loads rise.css and <notebook>.css from beside each notebook it shows, and logs an error for each one that
# is missing: rise.css holds the shared slide styles, and every notebook gets a file of its own.
OWN_CSS = "/* {name}'s own slide styles (RISE loads this file beside the notebook); the shared ones are in rise.css. */\n"


def own_css(name: str) -> str:
    return OWN_CSS.format(name=Path(name).stem)


def build(sources: Path = SOURCES, target: Path = HERE) -> list[Path]:
    """Write a notebook and its .css into ``target`` for every source in ``sources`` (a new one is found by its
    file alone); returns the notebooks written."""
    written = []
    for source in sorted(sources.glob("*.py")):
        name = f"{source.stem}.ipynb"
        (target / name).write_text(render(name, sources))
        (target / name).with_suffix(".css").write_text(own_css(name))
        written.append(target / name)
    return written


def main() -> None:
    for path in build():
        print("wrote", path, "and its .css")


if __name__ == "__main__":
    main()
