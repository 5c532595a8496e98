"""The loss-function experiments of the lectures, every value and gradient from :mod:`nnlab.core.losses`.

- one example's class scores under the multiclass SVM and softmax (CS231n notes "Linear classification":
  the SVM is satisfied once the margins hold, softmax always wants more; at small scores the losses are
  C - 1 and ln C) (:func:`score_losses`);
- a linear classifier on 2-D data trained with either loss, as in the CS231n linear-classification demo
  (:func:`train_linear`);
- CMU 11-785 "Optimization part 2": one sigmoid perceptron's L2 error against its KL divergence
  (cross-entropy) as surfaces over its two weights, with gradient-descent paths on both
  (:func:`perceptron_data`, :func:`perceptron_surfaces`, :func:`perceptron_path`);
- regression with an outlier (CS231n notes: "outliers can introduce huge gradients" under L2)
  (:func:`regression`, :func:`outlier_gradients`);
- attribute classification: binary logistic and the attribute hinge per attribute (:func:`attribute_curves`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from nnlab.core._checks import as_generator, check_array, check_choice, check_int, check_number
from nnlab.core.activations import sigmoid
from nnlab.core.losses import attribute_hinge, binary_logistic, l1, l2, multiclass_svm, softmax_cross_entropy
from nnlab.core.regularizers import L2

CLASSIFIER_LOSSES = ("svm", "softmax")
SURFACE_LOSSES = ("l2", "kl")
LINEAR_CENTERS = ((-1.0, -0.6), (1.0, -0.6), (0.0, 1.0))  # three classes, as the CS231n demo's


# --- one example's scores ---------------------------------------------------------------------------------------
@dataclass
class ScoreLosses:
    """Both losses of one example (N = 1), with each loss's gradient on every score."""

    svm: float
    svm_grad: np.ndarray
    margins: np.ndarray  # max(0, f_j - f_y + delta) for j != y, 0 for y
    softmax: float
    softmax_grad: np.ndarray
    probabilities: np.ndarray


def score_losses(scores: np.ndarray, true: int, delta: float = 1.0, squared: bool = False) -> ScoreLosses:
    """The multiclass SVM (hinge or squared hinge, margin ``delta``) and softmax cross-entropy of one example."""
    scores = check_array("scores", scores, ndim=1)
    true = check_int("true", true, low=0, high=scores.size - 1)
    row, label = scores[None, :], np.array([true])
    svm, svm_grad = multiclass_svm(row, label, delta, squared)
    ce, ce_grad = softmax_cross_entropy(row, label)
    margins = np.maximum(0.0, scores - scores[true] + delta)
    margins[true] = 0.0
    probabilities = ce_grad[0].copy()
    probabilities[true] += 1.0  # dL/df = p - onehot
    return ScoreLosses(svm, svm_grad[0], margins, ce, ce_grad[0], probabilities)


def small_scores(classes: int, seed: int, scale: float = 0.05, step: float = 0.05) -> np.ndarray:
    """Scores of a freshly initialised classifier: N(0, scale^2), rounded to multiples of ``step`` (the sliders')."""
    classes = check_int("classes", classes, low=2)
    return np.round(np.round(scale * as_generator(seed).standard_normal(classes) / step) * step, 2) + 0.0  # no -0.0


# --- a linear classifier on 2-D data ------------------------------------------------------------------------------
def linear_data(seed: int, per_class: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs in the plane (std 0.45), one class each."""
    gen = as_generator(seed)
    X = np.concatenate([np.asarray(c) + 0.45 * gen.standard_normal((per_class, 2)) for c in LINEAR_CENTERS])
    return X, np.repeat(np.arange(len(LINEAR_CENTERS)), per_class)


@dataclass
class LinearRun:
    """Full-batch gradient descent on scores = X W + b (W is 2 x 3)."""

    W: np.ndarray
    b: np.ndarray
    losses: np.ndarray  # data loss + regularization, before each step and after the last (steps + 1)
    data_loss: float
    accuracy: float


def train_linear(
    X: np.ndarray, y: np.ndarray, loss: str, reg: float, lr: float, steps: int, seed: int, delta: float = 1.0
) -> LinearRun:
    """Train W, b from small random weights (0.01 N(0, 1), zero biases) with the core's loss and L2 regularizer
    (R = 1/2 reg ||W||^2, CS231n's ``0.5 * reg``); biases are not regularized."""
    loss = check_choice("loss", loss, CLASSIFIER_LOSSES)
    reg = check_number("reg", reg, low=0.0)
    lr = check_number("lr", lr, low=0.0)
    steps = check_int("steps", steps, low=0)
    gen = as_generator(seed)
    W = 0.01 * gen.standard_normal((X.shape[1], int(y.max()) + 1))
    b = np.zeros(W.shape[1])
    regularizer = L2(reg)
    losses = np.empty(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            scores = X @ W + b
            value, dscores = multiclass_svm(scores, y, delta) if loss == "svm" else softmax_cross_entropy(scores, y)
            losses[step] = value + regularizer.penalty(W)
            if not np.isfinite(losses[step]):
                raise FloatingPointError(f"lr={lr:g} diverged at step {step}; try a smaller learning rate")
            if step == steps:
                break
            W -= lr * (X.T @ dscores + regularizer.gradient(W))
            b -= lr * dscores.sum(axis=0)
    accuracy = float(np.mean(np.argmax(X @ W + b, axis=1) == y))
    return LinearRun(W, b, losses, value, accuracy)


# --- CMU: the L2 and KL error surfaces of one sigmoid perceptron ----------------------------------------------
@lru_cache(maxsize=8)
def perceptron_data(seed: int, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in the plane with targets 0/1 from a noisy line through the origin (no bias needed)."""
    gen = as_generator(seed)
    X = gen.standard_normal((n, 2))
    t = ((X @ np.array([1.0, 1.0]) + 0.5 * gen.standard_normal(n)) > 0).astype(float)
    return X, t


def perceptron_loss(w: np.ndarray, X: np.ndarray, t: np.ndarray, loss: str) -> tuple[float, np.ndarray]:
    """The perceptron y = sigmoid(X w)'s error and its gradient on w: 'l2' is the core's L2 on the outputs,
    mean (y - t)^2; 'kl' is the core's binary logistic on the logits, the KL divergence (cross-entropy) of
    the CMU slides."""
    z = (X @ w)[:, None]
    if loss == "kl":
        value, dz = binary_logistic(z, t[:, None])
    else:
        out = sigmoid(z)
        value, dout = l2(out, t[:, None])
        dz = dout * out * (1.0 - out)
    return value, X.T @ dz[:, 0]


@dataclass
class Surfaces:
    w1: np.ndarray  # the grid's axes
    w2: np.ndarray
    l2: np.ndarray  # [i, j] at (w1[j], w2[i])
    kl: np.ndarray


@lru_cache(maxsize=8)
def perceptron_surfaces(seed: int, extent: float = 10.0, points: int = 41) -> Surfaces:
    """Both errors on a ``points`` x ``points`` grid over [-extent, extent]^2, each value the core's loss."""
    X, t = perceptron_data(seed)
    axis = np.linspace(-extent, extent, points)
    values = {name: np.empty((points, points)) for name in SURFACE_LOSSES}
    for i, w2 in enumerate(axis):
        for j, w1 in enumerate(axis):
            for name in SURFACE_LOSSES:
                values[name][i, j] = perceptron_loss(np.array([w1, w2]), X, t, name)[0]
    return Surfaces(axis, axis, values["l2"], values["kl"])


def perceptron_path(
    X: np.ndarray, t: np.ndarray, loss: str, start: tuple[float, float], lr: float, steps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradient descent on the weights from ``start``: the weights (steps + 1 rows), the error and the
    gradient's norm |dL/dw| at each."""
    loss = check_choice("loss", loss, SURFACE_LOSSES)
    lr = check_number("lr", lr, low=0.0)
    steps = check_int("steps", steps, low=0)
    w = np.array(start, dtype=float)
    path, errors, norms = np.empty((steps + 1, 2)), np.empty(steps + 1), np.empty(steps + 1)
    for step in range(steps + 1):
        path[step] = w
        errors[step], grad = perceptron_loss(w, X, t, loss)
        norms[step] = np.linalg.norm(grad)
        w = w - lr * grad
    return path, errors, norms


# --- regression with an outlier -----------------------------------------------------------------------------------
@dataclass
class Regression:
    x: np.ndarray
    y: np.ndarray  # the last point is the outlier
    l2_fit: np.ndarray  # (slope, intercept)
    l1_fit: np.ndarray
    l2_loss: float
    l1_loss: float
    l2_outlier_grad: float  # dL_i/df_i of the outlier alone (the per-example gradient, N times the core's)
    l1_outlier_grad: float


def regression_data(seed: int, n: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points near y = 0.5 x + 1 on [0, 10]; the last, at x = 8, is the outlier (its y is moved)."""
    gen = as_generator(seed)
    x = np.r_[np.sort(gen.uniform(0.0, 10.0, n - 1)), 8.0]
    return x, 0.5 * x + 1.0 + 0.4 * gen.standard_normal(n)


def _line_loss(fit: np.ndarray, x: np.ndarray, y: np.ndarray, loss) -> tuple[float, np.ndarray]:
    return loss((fit[0] * x + fit[1])[:, None], y[:, None])


def regression(outlier_y: float, seed: int) -> Regression:
    """The least-squares (L2) and least-absolute-deviations (L1) lines through the data with the outlier at
    ``outlier_y``. L2: the normal equations (where the core's L2 gradient on the line is 0). L1: an optimum
    passes through two of the points, so the best of all such lines under the core's L1 is exact."""
    outlier_y = check_number("outlier_y", outlier_y)
    x, y = regression_data(seed)
    y[-1] = outlier_y
    A = np.c_[x, np.ones_like(x)]
    l2_fit = np.linalg.lstsq(A, y, rcond=None)[0]
    best, l1_fit = np.inf, l2_fit
    for i, j in combinations(range(x.size), 2):
        if x[i] != x[j]:
            slope = (y[j] - y[i]) / (x[j] - x[i])
            fit = np.array([slope, y[i] - slope * x[i]])
            value = _line_loss(fit, x, y, l1)[0]
            if value < best - 1e-12:
                best, l1_fit = value, fit
    n = x.size
    l2_value, l2_grad = _line_loss(l2_fit, x, y, l2)
    l1_value, l1_grad = _line_loss(l1_fit, x, y, l1)
    return Regression(x, y, l2_fit, l1_fit, l2_value, l1_value, float(n * l2_grad[-1, 0]), float(n * l1_grad[-1, 0]))


def outlier_gradients(residuals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One example's gradient dL_i/df_i against its residual f_i - y_i under the core's L2 (2 r) and L1 (sign r)."""
    r = check_array("residuals", residuals, ndim=1)[:, None]
    return l2(r, np.zeros_like(r))[1][:, 0] * r.shape[0], l1(r, np.zeros_like(r))[1][:, 0] * r.shape[0]


# --- attribute classification -------------------------------------------------------------------------------------
@dataclass
class AttributeCurves:
    f: np.ndarray
    logistic: dict[bool, np.ndarray]  # present -> loss of one attribute against its score
    logistic_grad: dict[bool, np.ndarray]
    hinge: dict[bool, np.ndarray]
    hinge_grad: dict[bool, np.ndarray]


def attribute_loss(score: float, present: bool, loss: str) -> tuple[float, float]:
    """One attribute's loss and gradient: 'logistic' (targets 1/0) or 'hinge' (targets +1/-1), from the core."""
    loss = check_choice("loss", loss, ("logistic", "hinge"))
    f = np.array([[check_number("score", score)]])
    if loss == "logistic":
        value, grad = binary_logistic(f, np.array([[1.0 if present else 0.0]]))
    else:
        value, grad = attribute_hinge(f, np.array([[1.0 if present else -1.0]]))
    return value, float(grad[0, 0])


@lru_cache(maxsize=2)
def attribute_curves(extent: float = 6.0, points: int = 241) -> AttributeCurves:
    """Both attribute losses and their gradients over scores in [-extent, extent], attribute present and absent."""
    f = np.linspace(-extent, extent, points)
    out: dict[str, dict[bool, np.ndarray]] = {k: {} for k in ("lv", "lg", "hv", "hg")}
    for present in (True, False):
        lo = np.array([attribute_loss(s, present, "logistic") for s in f])
        hi = np.array([attribute_loss(s, present, "hinge") for s in f])
        out["lv"][present], out["lg"][present] = lo[:, 0], lo[:, 1]
        out["hv"][present], out["hg"][present] = hi[:, 0], hi[:, 1]
    return AttributeCurves(f, out["lv"], out["lg"], out["hv"], out["hg"])
