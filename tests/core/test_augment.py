"""The augmentations' invariants: what each one must keep, change or return, whatever the random draw."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.core import augment


@pytest.fixture
def image():
    return np.random.default_rng(0).uniform(0.05, 0.95, (16, 20, 3))


def test_a_flip_twice_is_the_identity_and_once_mirrors(image):
    np.testing.assert_array_equal(augment.hflip(augment.hflip(image)), image)
    np.testing.assert_array_equal(augment.hflip(image)[:, 0], image[:, -1])


@pytest.mark.parametrize("seed", range(5))
def test_a_random_crop_is_a_shift_of_at_most_pad(image, seed):
    out = augment.random_crop(image, seed, pad=3)
    assert out.shape == image.shape
    # find the shift: the crop equals the image moved by (dy, dx), zeros where it moved in from the padding
    padded = np.pad(image, [(3, 3), (3, 3), (0, 0)])
    matches = [(dy, dx) for dy in range(-3, 4) for dx in range(-3, 4)
               if np.array_equal(out, padded[3 + dy : 3 + dy + 16, 3 + dx : 3 + dx + 20])]  # fmt: skip
    assert len(matches) == 1
    assert np.array_equal(augment.random_crop(image, seed, pad=0), image)


def test_resize_keeps_a_constant_image_and_bilinear_values(image):
    flat = np.full((5, 7, 3), 0.3)
    np.testing.assert_allclose(augment.resize(flat, 11, 3), 0.3)
    ramp = np.tile(np.arange(4.0) / 3, (2, 1))  # 0, 1/3, 2/3, 1 along x
    np.testing.assert_allclose(augment.resize(ramp, 2, 4), ramp)  # the same size: the same image
    assert augment.resize(image, 32, 40).shape == (32, 40, 3)


@pytest.mark.parametrize("seed", range(5))
def test_random_resized_crop_keeps_the_size_and_the_range(image, seed):
    out = augment.random_resized_crop(image, seed, scale=(0.2, 0.5))
    assert out.shape == image.shape and image.min() <= out.min() and out.max() <= image.max()
    whole = augment.random_resized_crop(image, seed, scale=(1.0, 1.0), ratio=(20 / 16, 20 / 16))
    np.testing.assert_allclose(whole, image)  # all of the area at the image's own aspect: the image itself


def test_color_jitter_stays_in_range_and_zero_jitter_is_the_identity(image):
    np.testing.assert_allclose(augment.color_jitter(image, 0, 0.0, 0.0, 0.0), image)
    out = augment.color_jitter(image, 1, 0.8, 0.8, 0.8)
    assert out.shape == image.shape and out.min() >= 0 and out.max() <= 1 and not np.allclose(out, image)
    gray = np.repeat(image[..., :1], 3, axis=2)  # saturation leaves a gray image gray
    out = augment.color_jitter(gray, 2, 0.0, 0.0, 0.9)
    np.testing.assert_allclose(out, gray, atol=1e-12)


def test_pca_jitter_shifts_every_pixel_by_one_colour_along_the_components(image):
    values, vectors = augment.pca_colors(image)
    np.testing.assert_allclose(vectors @ np.diag(values) @ vectors.T, np.cov(image.reshape(-1, 3), rowvar=False))
    middle = np.full((4, 4, 3), 0.5)
    out = augment.pca_jitter(middle, 3, values, vectors, sigma=0.5)
    shift = out - middle
    np.testing.assert_allclose(shift, np.broadcast_to(shift[0, 0], shift.shape))  # one colour for every pixel
    alphas = np.random.default_rng(3).normal(0, 0.5, 3)
    np.testing.assert_allclose(shift[0, 0], vectors @ (alphas * values))
    np.testing.assert_array_equal(augment.pca_jitter(middle, 3, values, vectors, sigma=0.0), middle)


@pytest.mark.parametrize("seed", range(6))
def test_cutout_zeroes_exactly_the_box(image, seed):
    out, (top, left, bottom, right) = augment.cutout(image, seed, size=6)
    inside = np.zeros(image.shape[:2], bool)
    inside[top:bottom, left:right] = True
    assert np.all(out[inside] == 0) and np.array_equal(out[~inside], image[~inside])
    assert 0 < bottom - top <= 6 and 0 < right - left <= 6


@pytest.mark.parametrize("seed", range(5))
def test_mixup_labels_sum_to_one_and_mix_as_the_images(image, seed):
    other = image[::-1].copy()
    cat, dog = np.eye(10)[3], np.eye(10)[5]
    mixed, label, lam = augment.mixup(image, other, cat, dog, seed, alpha=0.4)
    assert label.sum() == pytest.approx(1.0) and label[3] == pytest.approx(lam) and label[5] == pytest.approx(1 - lam)
    np.testing.assert_allclose(mixed, lam * image + (1 - lam) * other)


def test_bad_arguments_name_themselves(image):
    with pytest.raises(ValueError, match="image must have 2 or 3 dimensions"):
        augment.hflip(np.zeros(4))
    with pytest.raises(ValueError, match="pad"):
        augment.random_crop(image, 0, pad=-1)
    with pytest.raises(ValueError, match="scale"):
        augment.random_resized_crop(image, 0, scale=(0.8, 0.2))
    with pytest.raises(ValueError, match="ratio\\[0\\]"):
        augment.random_resized_crop(image, 0, ratio=(0.0, 1.0))
    with pytest.raises(ValueError, match="must be \\(H, W, 3\\)"):
        augment.pca_jitter(image[..., 0], 0, np.ones(3), np.eye(3))
    with pytest.raises(ValueError, match="image_a has shape"):
        augment.mixup(image, image[:4], np.eye(2)[0], np.eye(2)[1], 0)
