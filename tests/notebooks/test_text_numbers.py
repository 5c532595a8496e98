"""Numbers in the notebooks' text come from the panels: each quoted passage below must stand in its notebook's
source word for word, and its check computes the numbers from the preset the passage is about. Change a preset or
a study, and the passage's test fails until the text says what the panel shows.

Claims over five seeds and two BLAS kernels (the batch-norm rescue, depth, the CS231n net, the noisy bowl) are
``tests/claims``; the passages below cite those results and are checked here for the preset's own seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nnlab.topics import get_panel_class

SOURCES = Path(__file__).resolve().parents[2] / "notebooks" / "src"


def preset(panel: str, name: str, **changes) -> object:
    out = get_panel_class(panel)()
    out.apply_preset(name)
    if changes:
        out.set(**changes)
    assert out.error is None, out.error
    return out


def _saturated(layer) -> float:
    return float(np.mean(np.abs(layer.activation) > 0.99))


def _tanh_001(p) -> bool:
    return np.round(p.result.stds, 2).tolist() == [0.49, 0.29, 0.18, 0.11, 0.07, 0.05]


def _tanh_005(p) -> bool:
    sat = [round(_saturated(layer), 2) for layer in p.result.layers]
    return np.all(np.abs(p.result.stds - 0.85) < 0.03) and sat[0] == 0.41 and set(sat[1:]) == {0.33, 0.34}


def _xavier(p) -> bool:
    small = preset("initialization", "tanh, std 0.01").result.stds
    return (round(p.result.stds[0], 2), round(p.result.stds[-1], 2), round(small[0], 2), round(small[-1], 2)) == (
        0.63, 0.29, 0.49, 0.05)  # fmt: skip


def _rescue_vanishes(p) -> bool:
    relu = preset("batchnorm", "rescue: deep ReLU, std 0.01").result
    return max(p.result.stds_start["without"][-1], relu.stds_start["without"][-1]) < 1e-7


def _plain_loss_10_to_40(p) -> bool:
    loss = p.result.loss["without"][3:]  # after the first evaluations
    return bool(10 <= np.median(loss) <= 40 and p.result.accuracy["without"][-1] < 0.4)


def _off_target(p) -> bool:
    off = p.result.off_target
    return 0.04 <= off[1] <= 0.06 and off[2] < 0.015 and off[4] < 0.015


def _spike_after_1500(p) -> bool:
    match = re.search(r"loss above 3x the first loss at step (\d+)", p.status)
    return match is not None and 1300 <= int(match.group(1)) <= 1800


def _cs231n_97(p) -> bool:
    return p.result.run.snapshots[-1].train_acc > 0.97 and "loss above 3x" not in p.status


def _agreement(p) -> bool:
    from nnlab.topics.trajectories.panel import step_agreement

    sgd, momentum = step_agreement(p.result.positions[:, :, 0])
    return abs(sgd) < 0.1 and 0.75 <= momentum <= 0.95  # "about 0.8-0.9"


# (notebook source, passage, the panel showing it, check)
PASSAGES: list[tuple[str, str, Callable[[], object], Callable[[object], bool]]] = [
    ("03_initialization", "std 0.49, 0.29,\n#   0.18, 0.11, 0.07, 0.05",
     lambda: preset("initialization", "tanh, std 0.01"), _tanh_001),
    ("03_initialization", "the std stays near 0.85 in every layer, and about a third\n#   of the values (41% in the "
     "first layer, 33% in the others) sit beyond +-0.99", lambda: preset("initialization", "tanh, std 0.05"),
     _tanh_005),
    ("03_initialization", "from 0.63 in the first layer to 0.29 in the sixth (std 0.01: 0.49 to 0.05)",
     lambda: preset("initialization", "tanh, Xavier"), _xavier),
    ("04_batchnorm", "to below 1e-7 by the sixth", lambda: preset("batchnorm", "rescue: deep tanh, std 0.01"),
     _rescue_vanishes),
    ("04_batchnorm", "loss jumps around 10-40 and it stays at chance at learning rate 2.5",
     lambda: preset("batchnorm", "a higher learning rate (2.5)"), _plain_loss_10_to_40),
    ("06_regularization", "about 4-6% for one layer against about 1% for two or four",
     lambda: preset("regularization", "depth and a clean target (CMU)"), _off_target),
    ("08_training", "1.0 makes the loss jump above 3 times its start in one of five seeds (seed 0, after about\n"
     "#   1,500 steps)", lambda: preset("training", "spiral: 2-layer net (CS231n)", lr=1.0, iteration=5000),
     _spike_after_1500),
    ("08_training", "passes 97% by step 5,000", lambda: preset("training", "spiral: 2-layer net (CS231n)",
                                                              iteration=5000), _cs231n_97),
    ("10_optimizers", "consecutive steps of SGD agree\n#   in direction by a mean cosine near 0, Momentum's by about "
     "0.8-0.9", lambda: preset("trajectories", "noisy bowl: momentum smooths"), _agreement),
]  # fmt: skip


@pytest.mark.parametrize("notebook, passage, panel, check", PASSAGES, ids=[f"{n}: {p[:40]}" for n, p, *_ in PASSAGES])
def test_a_number_in_the_text_is_what_the_panel_shows(notebook, passage, panel, check):
    assert passage in (SOURCES / f"{notebook}.py").read_text(), "the passage changed: update it here, and its check"
    assert check(panel())
