"""The loss panel's pictures: one example's scores under the SVM and softmax, a linear classifier trained with
each, the CMU perceptron's error surfaces, regression with an outlier, and the attribute losses.
Artists are made once per layout and updated in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from nnlab.data.toy2d import region_grid

SVM_COLOR, SOFTMAX_COLOR = "C0", "C1"
TRUE_COLOR, OTHER_COLOR, VIOLATION_COLOR = "#2ca02c", "#9e9e9e", "#d62728"
REGION_COLORS = ListedColormap(["#c6dbef", "#fdd0a2", "#c7e9c0"])
POINT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c")


def _plain(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


# --- scores ------------------------------------------------------------------------------------------------------
@dataclass
class Scores:
    score_ax: Axes
    prob_ax: Axes
    grad_ax: Axes
    score_bars: Any
    margin_bars: Any  # each wrong class's margin violation, from f_y - delta up to f_j
    margin_line: Any
    prob_bars: Any
    svm_grad: Any
    softmax_grad: Any
    labels: list[Any]


def draw_scores(figure: Figure, names: list[str]) -> Scores:
    """Three axes over the classes: the scores with the SVM's margin line, softmax's probabilities, both
    gradients dL/df_j."""
    x = np.arange(len(names))
    score_ax = figure.add_axes((0.06, 0.14, 0.27, 0.66))
    prob_ax = figure.add_axes((0.39, 0.14, 0.27, 0.66))
    grad_ax = figure.add_axes((0.72, 0.14, 0.27, 0.66))
    score_bars = score_ax.bar(x, np.zeros(x.size), width=0.6, color=OTHER_COLOR)
    margin_bars = score_ax.bar(x, np.zeros(x.size), width=0.25, color=VIOLATION_COLOR, zorder=3)
    margin_line = score_ax.axhline(0.0, color=VIOLATION_COLOR, ls="--", lw=1.2)
    score_ax.axhline(0.0, color="0.3", lw=0.6)
    labels = [score_ax.text(i, 0.0, "", ha="center", fontsize="small") for i in x]
    prob_bars = prob_ax.bar(x, np.zeros(x.size), width=0.6, color=OTHER_COLOR)
    prob_ax.set_ylim(0, 1.08)
    svm_grad = grad_ax.bar(x - 0.2, np.zeros(x.size), width=0.38, color=SVM_COLOR, label="SVM")
    softmax_grad = grad_ax.bar(x + 0.2, np.zeros(x.size), width=0.38, color=SOFTMAX_COLOR, label="softmax")
    grad_ax.axhline(0.0, color="0.3", lw=0.6)
    grad_ax.legend(loc="upper right", fontsize="small", frameon=False, ncol=2)
    for ax in (score_ax, prob_ax, grad_ax):
        ax.set_xticks(x, names, rotation=90 if len(names) > 5 else 0, fontsize="small")
        _plain(ax)
    return Scores(score_ax, prob_ax, grad_ax, score_bars, margin_bars, margin_line, prob_bars, svm_grad,
                  softmax_grad, labels)  # fmt: skip


def update_scores(art: Scores, scores: np.ndarray, true: int, delta: float, result: Any, titles: list[str]) -> None:
    """``result`` is a :class:`nnlab.topics.losses.study.ScoreLosses`."""
    line = scores[true] - delta
    low, high = min(float(scores.min()), line, 0.0), max(float(scores.max()), 0.0)
    pad = 0.15 * max(high - low, 1.0)
    art.score_ax.set_ylim(low - pad, high + pad)
    nudge = 0.03 * (high - low + 2 * pad)  # the value labels sit just above (or below) their bars
    for j, (bar, margin, prob, label) in enumerate(zip(art.score_bars, art.margin_bars, art.prob_bars, art.labels)):
        color = TRUE_COLOR if j == true else OTHER_COLOR
        bar.set_height(scores[j])
        bar.set_color(color)
        violated = j != true and result.margins[j] > 0
        margin.set_y(line)
        margin.set_height(scores[j] - line if violated else 0.0)
        prob.set_height(result.probabilities[j])
        prob.set_color(color)
        label.set_position((j, scores[j] + (nudge if scores[j] >= 0 else -nudge)))
        label.set_va("bottom" if scores[j] >= 0 else "top")
        label.set_text(f"{scores[j]:.1f}" if scores.size <= 5 else "")  # ten labels would touch
    art.margin_line.set_ydata([line, line])
    for bar, value in zip(art.svm_grad, result.svm_grad):
        bar.set_height(value)
    for bar, value in zip(art.softmax_grad, result.softmax_grad):
        bar.set_height(value)
    bound = max(float(np.max(np.abs(result.svm_grad))), float(np.max(np.abs(result.softmax_grad))), 0.1)
    art.grad_ax.set_ylim(-1.15 * bound, 1.6 * bound)  # room for the legend above the tallest bar
    for ax, title in zip((art.score_ax, art.prob_ax, art.grad_ax), titles):
        ax.set_title(title, fontsize="medium")


# --- a linear classifier ---------------------------------------------------------------------------------------------
@dataclass
class Linear:
    axes: list[Axes]
    regions: list[Any]
    lines: list[list[Any]]
    curve_ax: Axes
    curves: list[Any]
    extent: tuple[float, float, float, float]
    grid: np.ndarray


def draw_linear(figure: Figure, X: np.ndarray, y: np.ndarray, names: list[str]) -> Linear:
    """Two region plots (one per loss) over the same points, and the loss against the step for both."""
    region = region_grid(X, 120, margin=0.5)
    extent = region.extent
    axes, regions, lines = [], [], []
    for i in range(len(names)):
        ax = figure.add_axes((0.04 + 0.31 * i, 0.12, 0.27, 0.72))
        regions.append(ax.imshow(np.zeros((2, 2)), extent=extent, origin="lower", cmap=REGION_COLORS, vmin=0, vmax=2,
                                 interpolation="nearest", aspect="auto"))  # fmt: skip
        for k in range(3):
            ax.scatter(*X[y == k].T, s=12, color=POINT_COLORS[k], edgecolors="k", linewidths=0.4, zorder=3)
        lines.append([ax.plot([], [], color=POINT_COLORS[k], lw=1.5, zorder=2)[0] for k in range(3)])
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_xticks([])
        ax.set_yticks([])
        axes.append(ax)
    curve_ax = figure.add_axes((0.70, 0.12, 0.28, 0.72))
    curves = [curve_ax.plot([], [], color=c, label=n)[0] for c, n in zip((SVM_COLOR, SOFTMAX_COLOR), names)]
    curve_ax.set_xlabel("gradient step")
    curve_ax.set_ylabel("loss (data + regularization)")
    curve_ax.legend(loc="upper right", fontsize="small", frameon=False)
    _plain(curve_ax)
    return Linear(axes, regions, lines, curve_ax, curves, extent, region.inputs)


def update_linear(art: Linear, runs: list[Any], titles: list[str], curve_title: str) -> None:
    """Each run's regions (argmax of the scores) and its classes' lines w_k . x + b_k = 0 (the CS231n demo's)."""
    x0, x1 = art.extent[:2]
    for ax, region, lines, run, title in zip(art.axes, art.regions, art.lines, runs, titles):
        scores = art.grid @ run.W + run.b
        side = int(np.sqrt(art.grid.shape[0]))
        region.set_data(np.argmax(scores, axis=1).reshape(side, side).astype(float))
        for k, line in enumerate(lines):
            w, b = run.W[:, k], run.b[k]
            if abs(w[1]) > 1e-12:
                xs = np.array([x0, x1])
                line.set_data(xs, -(w[0] * xs + b) / w[1])
            elif abs(w[0]) > 1e-12:
                line.set_data([-b / w[0]] * 2, list(art.extent[2:]))
            else:
                line.set_data([], [])
        ax.set_title(title, fontsize="medium")
    top = 0.0
    for curve, run in zip(art.curves, runs):
        curve.set_data(np.arange(run.losses.size), run.losses)
        top = max(top, float(np.max(run.losses)))
    art.curve_ax.set_xlim(0, max(runs[0].losses.size - 1, 1))
    art.curve_ax.set_ylim(0, 1.05 * top if top > 0 else 1.0)
    art.curve_ax.set_title(curve_title, fontsize="medium")


# --- the CMU error surfaces ------------------------------------------------------------------------------------------
@dataclass
class SurfacePlots:
    axes: list[Axes]
    paths: list[Any]
    starts: list[Any]
    ends: list[Any]
    curve_ax: Axes
    curves: list[Any]


def draw_surfaces(figure: Figure, surfaces: Any, titles: list[str]) -> SurfacePlots:
    """The L2 and KL error over (w1, w2) as images with contour lines (drawn once per data set), the paths on top, and
    both errors against the step."""
    axes, paths, starts, ends = [], [], [], []
    for i, (values, title) in enumerate(zip((surfaces.l2, surfaces.kl), titles)):
        ax = figure.add_axes((0.08 + 0.32 * i, 0.12, 0.2, 0.7))
        extent = (surfaces.w1[0], surfaces.w1[-1], surfaces.w2[0], surfaces.w2[-1])
        image = ax.imshow(
            values, extent=extent, origin="lower", cmap="viridis", interpolation="nearest", aspect="auto"
        )  # one image: cheaper to redraw on every update than filled contours
        ax.contour(surfaces.w1, surfaces.w2, values, levels=10, colors="w", linewidths=0.4, alpha=0.5)
        figure.colorbar(image, cax=figure.add_axes((0.29 + 0.32 * i, 0.12, 0.012, 0.7)))
        paths.append(ax.plot([], [], "-", color="w", lw=1.8)[0])
        starts.append(ax.plot([], [], "o", color="w", mec="k", ms=7)[0])
        ends.append(ax.plot([], [], "*", color="#d62728", mec="k", ms=12)[0])
        ax.set_xlabel("w1")
        ax.set_ylabel("w2" if i == 0 else "")
        ax.set_xticks([-10, -5, 0, 5, 10])
        ax.set_yticks([-5, 0, 5, 10])  # none at -10: it would touch w1's -10 in the corner
        ax.set_title(title, fontsize="medium")
        axes.append(ax)
    curve_ax = figure.add_axes((0.74, 0.12, 0.24, 0.7))
    curves = [curve_ax.plot([], [], color=c, label=n)[0] for c, n in zip((SVM_COLOR, SOFTMAX_COLOR), ("L2", "KL"))]
    curve_ax.set_xlabel("gradient step")
    curve_ax.legend(loc="upper right", fontsize="small", frameon=False)
    _plain(curve_ax)
    return SurfacePlots(axes, paths, starts, ends, curve_ax, curves)


def update_surfaces(art: SurfacePlots, paths: list[np.ndarray], errors: list[np.ndarray], curve_title: str) -> None:
    for path, line, start, end in zip(paths, art.paths, art.starts, art.ends):
        line.set_data(path[:, 0], path[:, 1])
        start.set_data(path[:1, 0], path[:1, 1])
        end.set_data(path[-1:, 0], path[-1:, 1])
    top = 0.0
    for curve, error in zip(art.curves, errors):
        curve.set_data(np.arange(error.size), error)
        top = max(top, float(np.max(error)))
    art.curve_ax.set_xlim(0, max(errors[0].size - 1, 1))
    art.curve_ax.set_ylim(0, 1.05 * top if top > 0 else 1.0)
    art.curve_ax.set_title(curve_title, fontsize="medium")


# --- regression with an outlier -------------------------------------------------------------------------------------
@dataclass
class RegressionPlots:
    data_ax: Axes
    points: Any
    outlier: Any
    l2_line: Any
    l1_line: Any
    grad_ax: Axes
    l2_here: Any
    l1_here: Any


def draw_regression(figure: Figure, residuals: np.ndarray, l2_grad: np.ndarray, l1_grad: np.ndarray) -> RegressionPlots:
    """The points with both fitted lines (left); one example's gradient against its residual (right)."""
    data_ax = figure.add_axes((0.07, 0.13, 0.5, 0.72))
    points = data_ax.plot([], [], "o", color="0.35", ms=5)[0]
    outlier = data_ax.plot([], [], "o", color=VIOLATION_COLOR, ms=9, mec="k")[0]
    l2_line = data_ax.plot([], [], color=SVM_COLOR, lw=2, label="L2 fit")[0]
    l1_line = data_ax.plot([], [], color=SOFTMAX_COLOR, lw=2, ls="--", label="L1 fit")[0]
    data_ax.set_xlim(-0.5, 10.5)
    data_ax.set_xlabel("x")
    data_ax.set_ylabel("y")
    data_ax.legend(loc="upper left", fontsize="small", frameon=False)
    _plain(data_ax)
    grad_ax = figure.add_axes((0.66, 0.13, 0.32, 0.72))
    grad_ax.plot(residuals, l2_grad, color=SVM_COLOR, label="L2: 2 r")
    grad_ax.plot(residuals, l1_grad, color=SOFTMAX_COLOR, ls="--", label="L1: sign(r)")
    l2_here = grad_ax.plot([], [], "o", color=SVM_COLOR, mec="k", ms=8)[0]
    l1_here = grad_ax.plot([], [], "o", color=SOFTMAX_COLOR, mec="k", ms=8)[0]
    grad_ax.axhline(0.0, color="0.3", lw=0.6)
    grad_ax.set_xlabel("residual r = f - y of one example")
    grad_ax.set_ylabel("its gradient dL_i/df_i")
    grad_ax.legend(loc="upper left", fontsize="small", frameon=False)
    _plain(grad_ax)
    return RegressionPlots(data_ax, points, outlier, l2_line, l1_line, grad_ax, l2_here, l1_here)


def update_regression(art: RegressionPlots, result: Any, titles: list[str]) -> None:
    """``result`` is a :class:`nnlab.topics.losses.study.Regression`; the outlier is its last point."""
    art.points.set_data(result.x[:-1], result.y[:-1])
    art.outlier.set_data(result.x[-1:], result.y[-1:])
    xs = np.array([-0.5, 10.5])
    art.l2_line.set_data(xs, result.l2_fit[0] * xs + result.l2_fit[1])
    art.l1_line.set_data(xs, result.l1_fit[0] * xs + result.l1_fit[1])
    low, high = min(float(result.y.min()), -1.0), max(float(result.y.max()), 7.0)
    art.data_ax.set_ylim(low - 1.0, high + 1.0)
    x_out, y_out = result.x[-1], result.y[-1]
    for marker, fit, grad in ((art.l2_here, result.l2_fit, result.l2_outlier_grad),
                              (art.l1_here, result.l1_fit, result.l1_outlier_grad)):  # fmt: skip
        marker.set_data([fit[0] * x_out + fit[1] - y_out], [grad])
    art.data_ax.set_title(titles[0], fontsize="medium")
    art.grad_ax.set_title(titles[1], fontsize="medium")


# --- attribute classification ---------------------------------------------------------------------------------------
@dataclass
class AttributePlots:
    loss_ax: Axes
    grad_ax: Axes
    here: list[Any]


def draw_attributes(figure: Figure, curves: Any) -> AttributePlots:
    """One attribute's loss (left) and gradient (right) against its score, for both losses, attribute present
    (solid) and absent (dashed)."""
    loss_ax = figure.add_axes((0.07, 0.13, 0.4, 0.7))
    grad_ax = figure.add_axes((0.57, 0.13, 0.4, 0.7))
    for present, style in ((True, "-"), (False, "--")):
        word = "present" if present else "absent"
        loss_ax.plot(curves.f, curves.logistic[present], style, color=SVM_COLOR, label=f"logistic, {word}")
        loss_ax.plot(curves.f, curves.hinge[present], style, color=SOFTMAX_COLOR, label=f"hinge, {word}")
        grad_ax.plot(curves.f, curves.logistic_grad[present], style, color=SVM_COLOR)
        grad_ax.plot(curves.f, curves.hinge_grad[present], style, color=SOFTMAX_COLOR, drawstyle="steps-mid")
    here = [ax.plot([], [], "o", color=c, mec="k", ms=8, zorder=4)[0] for ax in (loss_ax, grad_ax)
            for c in (SVM_COLOR, SOFTMAX_COLOR)]  # fmt: skip
    loss_ax.set_ylim(-0.2, 7.2)
    grad_ax.set_ylim(-1.15, 1.15)
    grad_ax.axhline(0.0, color="0.3", lw=0.6)
    loss_ax.set_xlabel("score f_j of the attribute")
    grad_ax.set_xlabel("score f_j of the attribute")
    loss_ax.set_ylabel("L_ij")
    grad_ax.set_ylabel("dL_ij/df_j")
    loss_ax.legend(loc="upper center", fontsize="small", frameon=False, ncol=2)
    for ax in (loss_ax, grad_ax):
        _plain(ax)
    return AttributePlots(loss_ax, grad_ax, here)


def update_attributes(art: AttributePlots, score: float, values: list[tuple[float, float]], titles: list[str]) -> None:
    """``values``: (loss, gradient) of the logistic and the hinge at ``score``."""
    (lv, lg), (hv, hg) = values
    for marker, (x, y) in zip(art.here, ((score, lv), (score, hv), (score, lg), (score, hg))):
        marker.set_data([x], [y])
    art.loss_ax.set_title(titles[0], fontsize="medium")
    art.grad_ax.set_title(titles[1], fontsize="medium")
