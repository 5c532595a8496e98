"""Data losses, each returning ``(loss, dscores)``.

One normalisation everywhere, the CS231n notes' "Neural Networks Part 2" (Loss
functions): the data loss is the mean over the N examples, L = (1/N) sum_i L_i, where
L_i *sums* over classes, attributes or outputs. PyTorch's ``reduction='mean'``
averages over those too, so for C classes/attributes/outputs:

=====================  ==========================================================
nnlab                  PyTorch
=====================  ==========================================================
softmax_cross_entropy  CrossEntropyLoss()
multiclass_svm         C * MultiMarginLoss(p=1 or 2, margin=delta)
binary_logistic        C * BCEWithLogitsLoss()
attribute_hinge        (no counterpart) sum_j max(0, 1 - y_ij f_j)
l2                     D * MSELoss()   (L_i = ||f - y||^2, no 1/2)
l1                     D * L1Loss()
kl_divergence          KLDivLoss(reduction='batchmean') on log_softmax(scores)
=====================  ==========================================================

All are written to stay finite for scores of any finite magnitude (log-sum-exp,
``log1p(exp(-|z|))``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, check_array, check_choice, check_labels, check_number, check_same_shape
from nnlab.core.activations import sigmoid

LossResult = tuple[float, np.ndarray]


def _scores(scores: Any) -> np.ndarray:
    return check_array("scores", scores, ndim=2)


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """log softmax along the last axis, shifted by the max for stability (CS231n notes)."""
    scores = check_array("scores", scores, finite=False)
    if scores.ndim == 0 or scores.shape[-1] == 0:
        raise SettingError(f"scores must have at least one class along its last axis, got shape {scores.shape}")
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax along the last axis."""
    return np.exp(log_softmax(check_array("scores", scores, finite=False)))


def softmax_cross_entropy(scores: Any, y: Any) -> LossResult:
    """L_i = -log(e^{f_y} / sum_j e^{f_j}); dL/df = (softmax - onehot) / N (CS231n ``softmax_loss``)."""
    scores = _scores(scores)
    n, c = scores.shape
    y = check_labels("y", y, n, c)
    logp = log_softmax(scores)
    rows = np.arange(n)
    loss = 0.0 - logp[rows, y].mean()  # 0.0 - x: a perfect score gives 0.0, never -0.0
    dscores = np.exp(logp)
    dscores[rows, y] -= 1.0
    return float(loss), dscores / n


def multiclass_svm(scores: Any, y: Any, delta: float = 1.0, squared: bool = False) -> LossResult:
    """Weston-Watkins hinge L_i = sum_{j != y_i} max(0, f_j - f_{y_i} + delta) (CS231n ``svm_loss``).

    ``squared=True`` squares each term (the L2-SVM of the CS231n notes). At an exact tie
    (margin 0) the gradient is 0.
    """
    scores = _scores(scores)
    n, c = scores.shape
    y = check_labels("y", y, n, c)
    delta = check_number("delta", delta, low=0.0)
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + delta)
    margins[rows, y] = 0.0
    if squared:
        loss = (margins**2).sum() / n
        coeff = 2.0 * margins
    else:
        loss = margins.sum() / n
        coeff = (margins > 0).astype(scores.dtype)
    dscores = coeff.copy()
    dscores[rows, y] -= coeff.sum(axis=1)
    return float(loss), dscores / n


def binary_logistic(scores: Any, targets: Any) -> LossResult:
    """Independent logistic regression per attribute, targets in {0, 1} (CS231n notes).

    L_i = sum_j -[t_ij log sigma(f_ij) + (1 - t_ij) log(1 - sigma(f_ij))], computed as
    max(f, 0) - f t + log(1 + e^{-|f|}); dL/df = (sigma(f) - t) / N.
    """
    scores = _scores(scores)
    targets = check_array("targets", targets, ndim=2)
    check_same_shape("scores", scores, "targets", targets)
    if np.any((targets < 0) | (targets > 1)):
        raise SettingError("targets must lie in [0, 1] (1 = attribute present)")
    n = scores.shape[0]
    loss = (np.maximum(scores, 0) - scores * targets + np.log1p(np.exp(-np.abs(scores)))).sum() / n
    return float(loss), (sigmoid(scores) - targets) / n


def attribute_hinge(scores: Any, targets: Any) -> LossResult:
    """Binary hinge per attribute, targets in {-1, +1}: L_i = sum_j max(0, 1 - y_ij f_ij) (CS231n notes)."""
    scores = _scores(scores)
    targets = check_array("targets", targets, ndim=2)
    check_same_shape("scores", scores, "targets", targets)
    if not np.all(np.abs(targets) == 1):
        raise SettingError("targets must be -1 or +1 (attribute absent or present)")
    n = scores.shape[0]
    margins = 1.0 - targets * scores
    loss = np.maximum(0.0, margins).sum() / n
    return float(loss), np.where(margins > 0, -targets, 0.0) / n


def l2(scores: Any, targets: Any) -> LossResult:
    """Regression with the squared L2 norm, L_i = ||f_i - y_i||^2 (CS231n notes); dL/df = 2 (f - y) / N."""
    scores = _scores(scores)
    targets = check_array("targets", targets, ndim=2)
    check_same_shape("scores", scores, "targets", targets)
    diff = scores - targets
    n = scores.shape[0]
    return float((diff * diff).sum() / n), 2.0 * diff / n


def l1(scores: Any, targets: Any) -> LossResult:
    """Regression with the L1 norm, L_i = sum_j |f_ij - y_ij|; the gradient is 0 at a zero residual."""
    scores = _scores(scores)
    targets = check_array("targets", targets, ndim=2)
    check_same_shape("scores", scores, "targets", targets)
    diff = scores - targets
    n = scores.shape[0]
    return float(np.abs(diff).sum() / n), np.sign(diff) / n


def kl_divergence(scores: Any, targets: Any) -> LossResult:
    """KL(p || softmax(f)) with target distributions p per row; dL/df = (softmax(f) - p) / N.

    L_i = sum_c p_ic (log p_ic - log q_ic), with 0 log 0 = 0.
    """
    scores = _scores(scores)
    targets = check_array("targets", targets, ndim=2)
    check_same_shape("scores", scores, "targets", targets)
    if np.any(targets < 0) or not np.allclose(targets.sum(axis=1), 1.0, atol=1e-6):
        raise SettingError("targets must be probability distributions: non-negative rows that sum to 1")
    n = scores.shape[0]
    logq = log_softmax(scores)
    safe_log_p = np.log(np.where(targets > 0, targets, 1.0))
    loss = (targets * (safe_log_p - logq)).sum() / n
    return float(loss), (np.exp(logq) - targets) / n


LOSSES: dict[str, Callable[..., LossResult]] = {
    "softmax": softmax_cross_entropy,
    "svm": multiclass_svm,
    "binary_logistic": binary_logistic,
    "attribute_hinge": attribute_hinge,
    "l2": l2,
    "l1": l1,
    "kl": kl_divergence,
}


def get_loss(name: str) -> Callable[..., LossResult]:
    """The loss function called ``name`` (see ``LOSSES``)."""
    return LOSSES[check_choice("loss", name, LOSSES)]
