"""Write the study results that the image baselines draw from (``tests/app/results/<case>.npz``).

    python tests/app/make_stored_results.py            # every case small enough to store
    python tests/app/make_stored_results.py CASE ...   # only these (ids as in test_baselines.py)

Each stored case is a preset (or the slides look) whose result fits in ``LIMIT`` bytes compressed: every picture
that follows a training run or a search. The larger ones (the initialization explorer's weights and activations,
ImageNet-size channel statistics, the photograph's augmentations) are single passes, computed live by the test.
Regenerate after changing a study; then redraw the baselines (test_baselines.py's docstring) and look at them.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402

import nnlab.app.base as base  # noqa: E402
from tests.app import stored  # noqa: E402
from tests.app.test_baselines import CASES, case_id, panel_for  # noqa: E402

LIMIT = 400_000  # bytes of one compressed result
# Single passes whose picture still moved with the BLAS kernel (float32 sums over thousands of products: the
# initialization explorer's sparse preset differed between SkylakeX and Haswell kernels on 2026-12-04): stored
# whatever their size.
ALWAYS = {"initialization_sparse_10_connections"}


def main(only: list[str]) -> None:
    base.BLAS_THREADS = 1  # as in the tests
    stored.STORED.mkdir(exist_ok=True)
    for case in CASES:
        name = case_id(case)
        if only and name not in only:
            continue
        panel = panel_for(case)
        buffer = io.BytesIO()
        arrays: dict[str, np.ndarray] = {}
        stored.encode(panel.result, arrays)
        size = sum(a.nbytes for a in arrays.values())
        path = stored.STORED / f"{name}.npz"
        if size > 20 * LIMIT and name not in ALWAYS:
            path.unlink(missing_ok=True)
            print(f"{name}: {size / 1e6:.1f} MB raw, computed live")
            continue
        stored.save(buffer, panel.result)
        if buffer.tell() > LIMIT and name not in ALWAYS:
            path.unlink(missing_ok=True)
            print(f"{name}: {buffer.tell() / 1e3:.0f} kB compressed, computed live")
            continue
        path.write_bytes(buffer.getvalue())
        print(f"{name}: stored, {buffer.tell() / 1e3:.0f} kB")


if __name__ == "__main__":
    main(sys.argv[1:])
