"""The preprocessing panel: whitening, train-only statistics, the image view, sensitivity; errors in the status."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.preprocessing.panel import PreprocessingPanel
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips, write_fake_cifar10


@pytest.fixture(scope="module")
def panel():
    return PreprocessingPanel()


def test_whitened_training_cloud_has_identity_covariance_at_eps_zero(panel):
    panel.set(view="point cloud", eps=1e-8, noise_dim=False, leak=False)
    _, train, _ = panel.result["rows"][1][2]
    cov = np.cov(train.T, bias=True)
    np.testing.assert_allclose(cov, np.eye(2), atol=1e-6)
    assert np.all(np.diff(panel.result["eigenvalues"]) <= 0)


def test_whitening_exaggerates_a_noise_dimension_and_eps_tames_it(panel):
    panel.apply_preset("whitening exaggerates noise")
    assert panel.result["whitened_std"][-1] > 0.9  # noise of std 0.01 stretched to unit variance
    panel.apply_preset("larger eps tames it")
    assert panel.result["whitened_std"][-1] < 0.1


def test_test_data_uses_training_statistics_and_the_leak_is_visible(panel):
    panel.set(view="point cloud", leak=False, eps=1e-5, noise_dim=False, n=400)
    _, train, test = panel.result["rows"][0][1]  # zero-centred
    assert abs(train.mean(axis=0)).max() < 1e-12  # centred with its own mean
    assert abs(test.mean(axis=0)).max() > 1e-3  # the test split keeps its (small) offset
    test_mean_honest = panel.result["test_mean"].copy()
    panel.set(leak=True)
    assert panel.status.startswith("leak:")
    assert not np.allclose(panel.result["test_mean"], test_mean_honest)


def test_image_view_reconstruction_improves_with_k_and_is_exact_at_full_rank(panel):
    errors = []
    for k in (1, 4, 16, 64):
        panel.set(view="images", k=k)
        errors.append(panel.result["error"])
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 1e-25 and panel.result["error_full"] < 1e-25
    assert np.all(np.diff(panel.result["explained"]) >= -1e-15)


def test_normalization_makes_the_classifier_insensitive(panel):
    panel.apply_preset("far from the origin")
    assert panel.result["raw"]["flipped"] > 5 * panel.result["normalized"]["flipped"]
    assert "of the points change class" in panel.artists["raw"][0].get_title()


def test_bad_settings_show_in_the_status(panel):
    panel.set(view="images", k=8)
    picture = panel.image()
    panel.set(k=100)
    assert panel.error == "k=100 is not valid: k must be an integer from 1 to 64"
    np.testing.assert_array_equal(panel.image(), picture)
    panel.set(k=8, eps=-1.0)
    assert panel.error == "eps=-1.0 is not valid: eps must be a number from 1e-08 to 10"
    panel.set(eps=1e-5, dataset="CIFAR-10")
    assert "set cifar10_path" in panel.error
    panel.set(dataset="photo patches")
    assert panel.error is None


def test_state_round_trips_and_controls_change_the_picture():
    panel = PreprocessingPanel(n=100)
    assert_state_round_trips(panel)
    changes = {"point cloud": {"correlation": -0.5, "anisotropy": 6.0, "offset": 10.0, "n": 200, "noise_dim": True,
                               "eps": 1.0, "leak": True, "seed": 3},
               "images": {"k": 20, "eps": 0.5},
               "sensitivity": {"angle": 10.0, "offset": 30.0}}  # fmt: skip
    assert_each_change_alters_the_picture(panel, changes)


def test_the_image_patches_are_cut_once(panel):
    from nnlab.topics.preprocessing.panel import _patches

    panel.set(view="images", k=3)
    hits = _patches.cache_info().hits
    panel.set(k=5, eps=0.01)
    assert _patches.cache_info().hits == hits + 1 and _patches.cache_info().maxsize == 2


def test_image_view_on_cifar10_when_the_user_has_it(tmp_path):
    write_fake_cifar10(tmp_path, 40)
    panel = PreprocessingPanel(view="images", dataset="CIFAR-10", cifar10_path=str(tmp_path), k=10)
    assert panel.error is None
    assert panel.result["eigenvectors"].shape == (16, 8, 8)
    from nnlab.topics.preprocessing.panel import _patches

    assert _patches("CIFAR-10", str(tmp_path)).shape == (40, 64)  # 8x8 grey patches, one per image


def test_per_channel_preprocessing_as_vgg_and_resnet_do_it():
    """VGG subtracts each channel's training mean (stds unchanged); ResNet also divides by each channel's std;
    min-max maps each channel's training range onto [-1, 1] exactly."""
    from nnlab.topics.preprocessing.panel import _crops

    panel = PreprocessingPanel()
    panel.apply_preset("per-channel: VGG, ResNet")
    assert panel.error is None
    crops = _crops().reshape(-1, 3)
    out = {name: result["values"] for name, result in panel.result.items()}
    vgg, resnet = out["- channel mean (VGG)"], out["(- mean) / std per channel (ResNet)"]
    np.testing.assert_allclose(vgg.mean(axis=0), 0, atol=1e-10)  # a mean over 409,600 values
    np.testing.assert_allclose(vgg.std(axis=0), crops.std(axis=0), rtol=1e-12)
    np.testing.assert_allclose(resnet.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(resnet.std(axis=0), 1, rtol=1e-12)
    minmax = out["min-max to [-1, 1] per channel"]
    np.testing.assert_allclose(minmax.min(axis=0), -1, atol=1e-12)
    np.testing.assert_allclose(minmax.max(axis=0), 1, atol=1e-12)
    assert panel.status == "after ResNet-style scaling each channel has mean 0.00, 0.00, 0.00 and std 1"


def test_pca_whitened_patches_are_shown_in_pixels_and_all_components_give_zca():
    """U_k x_white: the top k whitened coordinates mapped back by their eigenvectors; with all 64 it is ZCA."""
    panel = PreprocessingPanel()
    panel.apply_preset("PCA of image patches")
    panel.set(k=64, tiles=12)
    np.testing.assert_allclose(panel.result["pca_white"], panel.result["zca_white"], atol=1e-8)
    panel.set(k=8)
    assert not np.allclose(panel.result["pca_white"], panel.result["zca_white"], atol=1e-3)
    assert panel.result["originals"].shape == (12, 8, 8)
    panel.set(tiles=2)
    assert panel.result["originals"].shape == (2, 8, 8)


def test_min_max_scaling_of_the_point_cloud_maps_the_training_range_to_minus_one_one():
    panel = PreprocessingPanel()
    panel.set(scaling="min-max to [-1, 1]")
    title, train, _test = panel.result["rows"][0][2]
    assert title == "min-max to [-1, 1]"
    np.testing.assert_allclose(train.min(axis=0), -1, atol=1e-12)
    np.testing.assert_allclose(train.max(axis=0), 1, atol=1e-12)
