"""Every lecture notebook as a page that needs no server (``nnlab export --notebook``): pictures, size, time.

    python bench/bench_notebook_pages.py [NAME ...]

Writes each page to a temporary folder and prints one row per notebook: the pictures its panel cell's
declared sweeps make, the page's size and the seconds to write it (rendering every picture, encoding them
as palette PNGs and running nbconvert).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from nnlab.__main__ import notebooks_folder
from nnlab.export import notebook_panels, write_notebook_page


def main() -> None:
    names = sys.argv[1:] or [p.stem for p in sorted(notebooks_folder().glob("*.ipynb"))]
    out = Path(tempfile.mkdtemp())
    print(f"{'notebook':<20} {'pictures':>8} {'MB':>6} {'seconds':>8}")
    for name in names:
        import nbformat

        source = notebooks_folder() / f"{name}.ipynb"
        if not notebook_panels(nbformat.read(source, as_version=4)):
            continue
        started = time.perf_counter()
        pictures = write_notebook_page(source, out / f"{name}.html")
        seconds = time.perf_counter() - started
        print(f"{name:<20} {pictures:>8} {(out / f'{name}.html').stat().st_size / 1e6:>6.2f} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
