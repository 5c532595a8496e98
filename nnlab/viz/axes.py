"""Small axis helpers shared by the drawings."""

from __future__ import annotations

from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, NullFormatter


def plain_log_labels(*axes: Axis) -> None:
    """Label log-scale axes in plain text ("1e-05", "0.1", "10") instead of math text.

    Math-text labels need matplotlib's math fonts; with a stale font cache those print
    "findfont: ... not found" warnings into the notebook. Minor ticks stay unlabelled.
    """
    for axis in axes:
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(NullFormatter())
