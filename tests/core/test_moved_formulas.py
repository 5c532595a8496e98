"""Formulas that moved from the panels into the core: their numbers, and their messages for bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnlab.core.layers import Dropout
from nnlab.core.losses import softmax
from nnlab.core.model import Network, NetworkSpec, exact_dropout_ensemble
from nnlab.core.preprocessing import PCA
from nnlab.data.images import patches


def test_pca_reconstruct_keeps_the_top_k_directions_and_all_of_them_give_x_back():
    X = np.random.default_rng(0).standard_normal((200, 5)) @ np.diag([5, 3, 1, 0.5, 0.1])
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.reconstruct(X, 5), X, atol=1e-10)
    two = pca.reconstruct(X, 2)
    np.testing.assert_allclose(two, pca.mean_ + (X - pca.mean_) @ pca.eigenvectors_[:, :2] @ pca.eigenvectors_[:, :2].T)
    # the mean squared error per example is the variance left in the dropped directions
    assert np.sum((two - X) ** 2) / len(X) == pytest.approx(pca.explained_variance_[2:].sum(), rel=1e-9)
    with pytest.raises(ValueError, match=r"k=6 is outside the allowed range \[1, 5\]"):
        pca.reconstruct(X, 6)


def test_dropout_apply_with_the_drawn_mask_equals_the_forward_pass():
    x = np.random.default_rng(1).standard_normal((4, 6))
    for mode in ("inverted", "vanilla"):
        drop = Dropout(0.3, mode, rng=2)
        out, _ = drop.forward(x)
        np.testing.assert_array_equal(drop.apply(x, drop.mask), out)
    with pytest.raises(ValueError, match=r"mask has shape \(4, 5\) but x has shape \(4, 6\)"):
        drop.apply(x, np.ones((4, 5), dtype=bool))


def test_dropconnect_apply_with_the_drawn_mask_equals_the_forward_pass():
    from nnlab.core.layers import DropConnect

    layer = DropConnect(5, 3, keep_prob=0.4, rng=3)
    x = np.random.default_rng(4).standard_normal((6, 5))
    out, _ = layer.forward(x)
    np.testing.assert_allclose(layer.apply(x, layer.mask), out, rtol=1e-15)
    with pytest.raises(ValueError, match=r"mask has shape \(3, 5\) but W has shape \(5, 3\)"):
        layer.apply(x, np.ones((3, 5), dtype=bool))


def test_the_exact_ensemble_is_the_probability_weighted_average_of_every_sub_network():
    net = Network(NetworkSpec([3, 2, 2], activation="relu", keep_prob=0.6, input_keep_prob=0.7, seed=4))
    x = np.random.default_rng(5).standard_normal((2, 3))
    ensemble, n = exact_dropout_ensemble(net, x)
    assert n == 3 + 2
    expected = np.zeros((2, 2))
    for bits in itertools.product([False, True], repeat=5):
        keep_in, keep_hidden = np.array(bits[:3]), np.array(bits[3:])
        p = np.prod(np.where(keep_in, 0.7, 0.3)) * np.prod(np.where(keep_hidden, 0.6, 0.4))
        masks = [np.tile(keep_in, (2, 1)), np.tile(keep_hidden, (2, 1))]
        expected += p * softmax(net.forward_with_masks(x, masks))
    np.testing.assert_allclose(ensemble, expected, atol=1e-12)
    np.testing.assert_allclose(ensemble.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="masks has 1 entries; the network has 2 dropout layers"):
        net.forward_with_masks(x, masks[:1])
    wide = Network(NetworkSpec([30, 2], input_keep_prob=0.5))
    with pytest.raises(ValueError, match="30 droppable units make 2\\^30 sub-networks"):
        exact_dropout_ensemble(wide, np.zeros((1, 30)))


def test_patches_come_from_the_right_place_of_the_right_image():
    images = np.arange(2 * 5 * 6, dtype=float).reshape(2, 5, 6)
    cut = patches(images, 4, 2, rng=0)
    assert cut.shape == (4, 4)
    for i, patch in enumerate(cut.reshape(4, 2, 2)):
        image = images[i % 2]
        hits = [(r, c) for r in range(4) for c in range(5) if np.array_equal(image[r : r + 2, c : c + 2], patch)]
        assert hits, i
    with pytest.raises(ValueError, match="images must have shape \\(H, W\\) or \\(M, H, W\\)"):
        patches(np.zeros(5), 1, 2)
    with pytest.raises(ValueError, match="size=9 is outside the allowed range \\[2, 5\\]"):
        patches(images, 1, 9)
