"""Preprocessing: whitening gives the identity covariance, PCA is the SVD of the covariance, train-only statistics."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core import NonFiniteError
from nnlab.core.preprocessing import PCA, ZCA, MeanCenter, MinMaxScale, Standardize
from nnlab.data.toy2d import correlated_gaussian


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    return rng.standard_normal((400, 6)) @ rng.standard_normal((6, 6)) + 3.0


def covariance(Z):
    Zc = Z - Z.mean(axis=0)
    return Zc.T @ Zc / Z.shape[0]


@pytest.mark.parametrize("make", [lambda: PCA(whiten=True, eps=0.0), lambda: ZCA(eps=0.0)], ids=["pca", "zca"])
def test_whitened_training_data_has_identity_covariance(X, make):
    assert np.abs(covariance(make().fit_transform(X)) - np.eye(6)).max() < 1e-6


def test_eps_keeps_whitened_variance_below_one(X):
    Z = PCA(whiten=True, eps=1.0).fit_transform(X)
    S = PCA().fit(X).explained_variance_
    np.testing.assert_allclose(np.diag(covariance(Z)), S / (S + 1.0), rtol=1e-10)


def test_pca_agrees_with_numpy_svd_of_the_covariance(X):
    pca = PCA().fit(X)
    U, S, _ = np.linalg.svd(covariance(X))
    np.testing.assert_allclose(pca.explained_variance_, S, rtol=1e-12)
    np.testing.assert_allclose(np.abs(pca.components_), np.abs(U), atol=1e-10)  # eigenvector signs are arbitrary
    assert np.all(np.diff(pca.explained_variance_) <= 0)
    assert pca.explained_variance_ratio_.sum() == pytest.approx(1.0)


def test_eigenvector_signs_are_fixed_whatever_lapack_returns(X, monkeypatch):
    """Each eigenvector's largest entry is positive, so the same data rotates the same way on every machine
    (two LAPACK builds had flipped a whitened cloud left for right in an image baseline)."""
    first = PCA().fit(X).components_
    assert np.all(first[np.argmax(np.abs(first), axis=0), np.arange(6)] > 0)
    svd = np.linalg.svd

    def flipped(a):  # a LAPACK that returns every other eigenvector negated
        U, S, Vt = svd(a)
        return U * np.array([1.0, -1.0] * 3), S, Vt

    monkeypatch.setattr(np.linalg, "svd", flipped)
    np.testing.assert_array_equal(PCA().fit(X).components_, first)


def test_reconstruction_error_falls_with_k_and_is_zero_at_full_rank(X):
    errors = [np.mean((PCA(k).fit(X).inverse_transform(PCA(k).fit(X).transform(X)) - X) ** 2) for k in range(1, 7)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 1e-20


def test_statistics_come_from_the_training_split_only(X):
    train, val = X[:300], X[300:]
    for transformer in (MeanCenter(), Standardize(), MinMaxScale(), PCA(3, whiten=True), ZCA()):
        transformer.fit(train)
        before = {k: v.copy() for k, v in vars(transformer).items() if k.endswith("_") and isinstance(v, np.ndarray)}
        out = transformer.transform(val)
        changed = val * 100 - 7
        transformer.transform(changed)
        for key, value in before.items():
            np.testing.assert_array_equal(getattr(transformer, key), value)
        assert not np.allclose(out.mean(axis=0), 0, atol=1e-12) or isinstance(transformer, MinMaxScale)


def test_mean_center_modes():
    X = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(MeanCenter().fit_transform(X).mean(axis=0), 0)
    assert MeanCenter("scalar").fit(X).mean_ == pytest.approx(5.5)
    images = np.random.default_rng(0).uniform(0, 255, (5, 4, 4, 3))
    centred = MeanCenter("channel").fit_transform(images)
    np.testing.assert_allclose(centred.mean(axis=(0, 1, 2)), 0, atol=1e-12)


def test_standardize_and_min_max():
    X = correlated_gaussian(200, rng=1)
    Z = Standardize().fit_transform(X)
    np.testing.assert_allclose(Z.std(axis=0), 1)
    M = MinMaxScale().fit_transform(X)
    np.testing.assert_allclose(M.min(axis=0), -1)
    np.testing.assert_allclose(M.max(axis=0), 1)
    np.testing.assert_allclose(MinMaxScale().fit(X).inverse_transform(M), X)


def test_bad_input(X):
    with pytest.raises(ValueError, match="k=7 is larger than the data's dimension 6; choose k from 1 to 6"):
        PCA(7).fit(X)
    with pytest.raises(ValueError, match="eps=-1.0"):
        PCA(eps=-1.0)
    with pytest.raises(NonFiniteError, match="X contains 1 NaN"):
        PCA().fit(np.where(np.arange(X.size).reshape(X.shape) == 3, np.nan, X))
    with pytest.raises(RuntimeError, match="not fitted yet"):
        ZCA().transform(X)
    with pytest.raises(ValueError, match="X has feature shape \\(5,\\) but the transformer was fitted on \\(6,\\)"):
        Standardize().fit(X).transform(X[:, :5])
    with pytest.raises(ValueError, match="mode='pixel'"):
        MeanCenter("pixel")


def test_standardize_per_channel_works_on_images_of_any_size_and_checks_the_channels():
    from nnlab.core.preprocessing import MeanCenter, Standardize

    gen = np.random.default_rng(0)
    train = gen.random((20, 8, 8, 3)) * [1.0, 2.0, 3.0] + [0.0, 5.0, 9.0]
    scaler = Standardize("channel").fit(train)
    out = scaler.transform(gen.random((2, 16, 16, 3)))  # another size: only the channels must match
    assert out.shape == (2, 16, 16, 3)
    z = scaler.transform(train)
    np.testing.assert_allclose(z.mean(axis=(0, 1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=(0, 1, 2)), 1, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(z), train, rtol=1e-12)
    with pytest.raises(ValueError, match="X has 4 channels but the transformer was fitted on 3"):
        scaler.transform(np.zeros((1, 8, 8, 4)))
    with pytest.raises(ValueError, match="X has 1 channels but"):
        MeanCenter("channel").fit(train).transform(np.zeros((1, 8, 8, 1)))
    with pytest.raises(ValueError, match="mode='pixel' is not valid"):
        Standardize("pixel")
