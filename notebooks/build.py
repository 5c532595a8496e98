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


def read(name: str):
    import jupytext

    return jupytext.read(SOURCES / f"{Path(name).stem}.py", fmt="py:percent")


def cells(name: str) -> list[tuple[str, str]]:
    """(kind, source) of every cell of ``name`` ("02_preprocessing.ipynb"), kind "md" or "code"."""
    return [("md" if cell.cell_type == "markdown" else "code", cell.source) for cell in read(name).cells]


def declared(name: str) -> list[dict | None]:
    """Each cell's ``nnlab`` metadata, or None. A panel's cell declares its panel and the sweeps of its page
    without a server (``nnlab export --notebook``): ``# %% nnlab={"panel": ..., "sweep": {...}}`` in the source."""
    return [cell.metadata.get("nnlab") for cell in read(name).cells]


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
            "rise": {"scroll": True, "enable_chalkboard": False, "center": False},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render(name: str) -> str:
    nb = notebook(cells(name), name)
    for cell, metadata in zip(nb["cells"], declared(name)):
        if metadata is not None:
            cell["metadata"]["nnlab"] = metadata
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    for name in NOTEBOOKS:
        (HERE / name).write_text(render(name))
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
