"""Image regression: the picture of every preset of every registered panel against a committed baseline.

Compared by pytest-mpl (``--mpl`` is on by default in ``pyproject.toml``) with a small RMS tolerance for
antialiasing. After an intended change of a picture, regenerate the baselines and review them:

    python -m pytest tests/panels/test_baselines.py --mpl-generate-path=tests/panels/baseline -n 0

The pictures of ``BLAS_SENSITIVE`` belong in ``baseline/<kernel>/`` (``skylakex``, ``haswell``, ... as
threadpoolctl names OpenBLAS's kernels): generate them into a temporary folder and move them there. On a machine
whose kernel has none they are skipped, saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np  # noqa: F401 - loads OpenBLAS before threadpoolctl looks
import pytest
from matplotlib.figure import Figure

from nnlab.panels import get_panel_class, load_all

CASES = [(name, preset) for name in sorted(load_all()) for preset in get_panel_class(name).presets]
CASES += [(name, "slides") for name in sorted(load_all())]

# Pictures that follow a long training run (or a sum over thousands of float32 products) in which the last bit of a
# matrix product shows: OpenBLAS picks its kernels by CPU, and their rounding differs (with the Haswell kernels of
# an AMD EPYC the batch-norm rescue ends at 96% instead of 99%). Their baselines are kept per kernel, in
# baseline/<kernel>/, and compared only on a machine of a kernel that has them.
BLAS_SENSITIVE = {
    "batchnorm_rescue_deep_tanh_std_0_01",
    "batchnorm_a_higher_learning_rate_1_0",
    "batchnorm_batch_norm_after_the_non_linearity",
    "initialization_sparse_10_connections",
}
BASELINES = Path(__file__).parent / "baseline"


def as_figure(image) -> Figure:
    """A figure that saves exactly the panel's rendered pixels (the panel's own look and style, nothing added)."""
    height, width = image.shape[:2]
    figure = Figure(figsize=(width / 100, height / 100), dpi=100)
    figure.figimage(image, resize=False)
    return figure


def case_id(case) -> str:
    return re.sub(r"[^a-z0-9]+", "_", f"{case[0]}_{case[1]}".lower()).strip("_")


def blas_kernel() -> str:
    """OpenBLAS's kernel family on this machine ("haswell", "skylakex", ...), or "unknown"."""
    from threadpoolctl import threadpool_info

    kernels = [info.get("architecture") for info in threadpool_info() if info.get("internal_api") == "openblas"]
    return (kernels[0] or "unknown").lower() if kernels else "unknown"


def baseline_dir(case_name: str) -> str:
    return f"baseline/{blas_kernel()}" if case_name in BLAS_SENSITIVE else "baseline"


def compare(case) -> pytest.MarkDecorator:
    return pytest.mark.mpl_image_compare(baseline_dir=baseline_dir(case_id(case)), tolerance=2, style="default",
                                         savefig_kwargs={"dpi": 100})  # fmt: skip


@pytest.mark.parametrize("case", [pytest.param(c, marks=compare(c), id=case_id(c)) for c in CASES])
def test_preset_picture(case, request):
    baseline = Path(__file__).parent / baseline_dir(case_id(case)) / f"test_preset_picture_{case_id(case)}.png"
    if not baseline.exists() and not request.config.getoption("mpl_generate_path"):
        pytest.skip(f"no {baseline.name} drawn with OpenBLAS's {blas_kernel()} kernels: draw it with "
                    "--mpl-generate-path (module docstring)")  # fmt: skip
    name, preset = case
    panel = get_panel_class(name)()
    if preset == "slides":
        panel.set(slides=True)
    else:
        panel.apply_preset(preset)
    assert panel.error is None, panel.error
    return as_figure(panel.image())
