"""Small helpers shared by the topics' drawings: class colours, log axes with plain labels."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

# One colour per class, the same in every panel (the first ten of matplotlib's tab10, red and blue first).
CLASS_COLORS = np.array([[0.84, 0.15, 0.16], [0.12, 0.47, 0.71], [0.17, 0.63, 0.17], [1.0, 0.5, 0.05],
                         [0.58, 0.4, 0.74], [0.55, 0.34, 0.29], [0.89, 0.47, 0.76], [0.5, 0.5, 0.5],
                         [0.74, 0.74, 0.13], [0.09, 0.75, 0.81]])  # fmt: skip


def plain_log_labels(*axes: Axis) -> None:
    """Label log-scale axes in plain text ("1e-05", "0.1", "10") instead of math text.

    Math-text labels need matplotlib's math fonts; with a stale font cache those print
    "findfont: ... not found" warnings into the notebook. Minor ticks stay unlabelled.
    """
    for axis in axes:
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(NullFormatter())


def log_axis(ax: Axes) -> None:
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=4))
    ax.yaxis.set_minor_locator(NullLocator())
    plain_log_labels(ax.yaxis)
