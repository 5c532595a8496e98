"""Data preprocessing shaped like scikit-learn transformers (CS231n notes, "Neural Networks Part 2").

``fit`` learns statistics from the *training* split only; ``transform`` applies them to
any split; learned attributes end in ``_``. PCA and whitening follow the notes:
Xc = X - mean; cov = Xc^T Xc / N; U, S = svd(cov); Xrot = Xc U; Xwhite = Xrot / sqrt(S + eps).
ZCA whitening rotates back: Xc U diag(1/sqrt(S + eps)) U^T.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlab.core._checks import SettingError, check_array, check_choice, check_int, check_number


class Transformer:
    """Base class: ``fit``, ``transform``, ``fit_transform`` and ``inverse_transform``."""

    _fitted_attribute = "mean_"

    def fit(self, X: Any) -> Transformer:
        raise NotImplementedError

    def transform(self, X: Any) -> np.ndarray:
        raise NotImplementedError

    def inverse_transform(self, Z: Any) -> np.ndarray:
        raise NotImplementedError

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def _check_fitted(self) -> None:
        if not hasattr(self, self._fitted_attribute):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet; call fit(X_train) first")

    def _images(self, X: Any) -> np.ndarray:
        """Images (N, H, W, C) or (N, L, C) of any size whose channels match the fitted ones (channel modes)."""
        X = check_array("X", X, ndim=(3, 4))
        if hasattr(self, "n_channels_") and X.shape[-1] != self.n_channels_:
            raise SettingError(f"X has {X.shape[-1]} channels but the transformer was fitted on {self.n_channels_}")
        return X

    def _input(self, X: Any, ndim: int | tuple[int, ...] = 2) -> np.ndarray:
        X = check_array("X", X, ndim=ndim)
        if X.shape[0] < 1:
            raise SettingError("X has no rows")
        if hasattr(self, "n_features_") and X.shape[1:] != self.n_features_:
            raise SettingError(
                f"X has feature shape {X.shape[1:]} but the transformer was fitted on {self.n_features_}"
            )
        return X


class MeanCenter(Transformer):
    """Subtract the training mean: per feature (``'feature'``), one number (``'scalar'``), or per
    colour channel of images (N, ..., C) (``'channel'``, as for AlexNet/VGG-style inputs)."""

    def __init__(self, mode: str = "feature") -> None:
        self.mode = check_choice("mode", mode, ["feature", "scalar", "channel"])

    def fit(self, X):
        X = self._images(X) if self.mode == "channel" else self._input(X)
        axes = {"feature": 0, "scalar": None, "channel": tuple(range(X.ndim - 1))}[self.mode]
        self.mean_ = X.mean(axis=axes)
        if self.mode == "channel":
            self.n_channels_ = X.shape[-1]
        else:
            self.n_features_ = X.shape[1:]
        return self

    def transform(self, X):
        self._check_fitted()
        return (self._images(X) if self.mode == "channel" else self._input(X)) - self.mean_

    def inverse_transform(self, Z):
        self._check_fitted()
        return (self._images(Z) if self.mode == "channel" else self._input(Z)) + self.mean_


class Standardize(Transformer):
    """Zero mean and unit standard deviation per feature (``'feature'``), or per colour channel of images
    (N, ..., C) (``'channel'``, as for ResNet-style inputs: x = (x - mean_c) / std_c); constant features are only
    centred."""

    def __init__(self, mode: str = "feature") -> None:
        self.mode = check_choice("mode", mode, ["feature", "channel"])

    def fit(self, X):
        X = self._images(X) if self.mode == "channel" else self._input(X)
        axes = 0 if self.mode == "feature" else tuple(range(X.ndim - 1))
        self.mean_ = X.mean(axis=axes)
        std = X.std(axis=axes)
        # A constant column whose value is not exactly representable (4.2, say) has a std of rounding
        # noise (~1e-14), not 0: treat a std below the rounding bound n * eps * |mean| as zero.
        count = X.shape[0] if self.mode == "feature" else X.size // X.shape[-1]
        rounding = count * np.finfo(X.dtype).eps * np.abs(self.mean_)
        self.scale_ = np.where(std > rounding, std, 1.0)
        if self.mode == "channel":
            self.n_channels_ = X.shape[-1]
        else:
            self.n_features_ = X.shape[1:]
        return self

    def _own(self, X: Any) -> np.ndarray:
        return self._images(X) if self.mode == "channel" else self._input(X)

    def transform(self, X):
        self._check_fitted()
        return (self._own(X) - self.mean_) / self.scale_

    def inverse_transform(self, Z):
        self._check_fitted()
        return self._own(Z) * self.scale_ + self.mean_


class MinMaxScale(Transformer):
    """Scale every feature linearly so the training minimum and maximum map to [low, high] (default [-1, 1])."""

    _fitted_attribute = "min_"

    def __init__(self, low: float = -1.0, high: float = 1.0) -> None:
        self.low = check_number("low", low)
        self.high = check_number("high", high)
        if self.high <= self.low:
            raise SettingError(f"high={high} must be greater than low={low}")

    def fit(self, X):
        X = self._input(X)
        self.min_, self.max_ = X.min(axis=0), X.max(axis=0)
        span = self.max_ - self.min_
        self.scale_ = np.where(span > 0, (self.high - self.low) / np.where(span > 0, span, 1.0), 1.0)
        self.n_features_ = X.shape[1:]
        return self

    def transform(self, X):
        self._check_fitted()
        return (self._input(X) - self.min_) * self.scale_ + self.low

    def inverse_transform(self, Z):
        self._check_fitted()
        return (self._input(Z) - self.low) / self.scale_ + self.min_


class PCA(Transformer):
    """Project on the top ``k`` eigenvectors of the training covariance; ``whiten`` divides by sqrt(S + eps).

    Learned: ``mean_``, ``components_`` (D, k), ``explained_variance_`` (all D eigenvalues, sorted
    descending) and ``explained_variance_ratio_``. ``k=None`` keeps every dimension.
    """

    def __init__(self, k: int | None = None, whiten: bool = False, eps: float = 1e-5) -> None:
        self.k = None if k is None else check_int("k", k, low=1)
        self.whiten = bool(whiten)
        self.eps = check_number("eps", eps, low=0.0)

    def fit(self, X):
        X = self._input(X)
        d = X.shape[1]
        if self.k is not None and self.k > d:
            raise SettingError(f"k={self.k} is larger than the data's dimension {d}; choose k from 1 to {d}")
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        with np.errstate(over="ignore", invalid="ignore"):
            cov = Xc.T @ Xc / X.shape[0]
        if not np.all(np.isfinite(cov)):  # LAPACK would loop for ever on it, holding the interpreter
            raise SettingError(
                f"X's covariance overflows (|X| up to {np.abs(X).max():.3g}); scale the data down before PCA"
            )
        U, S, _ = np.linalg.svd(cov)
        # An eigenvector's sign is arbitrary, and LAPACK builds pick differently (the same data rotated to opposite
        # sides on two machines). Fix it as scikit-learn's svd_flip does: each column's largest entry positive.
        biggest = U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])]
        U = U * np.where(biggest < 0, -1.0, 1.0)
        self.eigenvectors_ = U
        self.explained_variance_ = S
        self.explained_variance_ratio_ = S / S.sum() if S.sum() > 0 else np.zeros_like(S)
        self.components_ = U[:, : self.k or d]
        self.n_features_ = X.shape[1:]
        if self.whiten and self.eps == 0 and np.any(S[: self.k or d] <= 0):
            raise SettingError("the data has zero variance along a kept direction; whitening needs eps > 0")
        return self

    def _scale(self) -> np.ndarray:
        k = self.components_.shape[1]
        return np.sqrt(self.explained_variance_[:k] + self.eps) if self.whiten else np.ones(k)

    def transform(self, X):
        self._check_fitted()
        return (self._input(X) - self.mean_) @ self.components_ / self._scale()

    def reconstruct(self, X: Any, k: int) -> np.ndarray:
        """``X`` projected on the top ``k`` eigenvectors and back: Xc U_k U_k^T + mean (the notes' dimensionality
        reduction, seen in the input space)."""
        self._check_fitted()
        U = self.eigenvectors_[:, : check_int("k", k, low=1, high=self.eigenvectors_.shape[1])]
        return (self._input(X) - self.mean_) @ U @ U.T + self.mean_

    def inverse_transform(self, Z):
        self._check_fitted()
        Z = check_array("Z", Z, ndim=2)
        if Z.shape[1] != self.components_.shape[1]:
            raise SettingError(f"Z has {Z.shape[1]} columns but the PCA keeps {self.components_.shape[1]} components")
        return (Z * self._scale()) @ self.components_.T + self.mean_


class ZCA(Transformer):
    """ZCA ("Mahalanobis") whitening: W = U diag(1/sqrt(S + eps)) U^T, the whitening closest to the data."""

    def __init__(self, eps: float = 1e-5) -> None:
        self.eps = check_number("eps", eps, low=0.0)

    def fit(self, X):
        pca = PCA(whiten=True, eps=self.eps).fit(X)
        U, S = pca.eigenvectors_, pca.explained_variance_
        self.mean_ = pca.mean_
        self.W_ = (U / np.sqrt(S + self.eps)) @ U.T
        self.W_inv_ = (U * np.sqrt(S + self.eps)) @ U.T
        self.n_features_ = pca.n_features_
        return self

    def transform(self, X):
        self._check_fitted()
        return (self._input(X) - self.mean_) @ self.W_

    def inverse_transform(self, Z):
        self._check_fitted()
        return self._input(Z) @ self.W_inv_ + self.mean_
