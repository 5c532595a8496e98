"""Data sets: the spiral, toy sets and splits, image patches, and the CIFAR-10 loader on a file we write."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from nnlab.data.images import load_cifar10, photo_patches
from nnlab.data.toy2d import DATASETS, correlated_gaussian, make_dataset, spiral, split


def test_spiral_is_the_case_study_layout():
    X, y = spiral(100, 3, rng=0)
    assert X.shape == (300, 2) and np.bincount(y).tolist() == [100, 100, 100]
    assert np.linalg.norm(X[0]) == 0.0 and np.linalg.norm(X[99]) == pytest.approx(1.0)
    np.testing.assert_array_equal(spiral(rng=0)[0], X)
    assert not np.array_equal(spiral(rng=1)[0], X)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_toy_set_is_seeded_and_labelled(name):
    X, y = make_dataset(name, rng=3)
    assert X.ndim == 2 and X.shape[1] == 2 and y.shape == (X.shape[0],)
    assert len(np.unique(y)) >= 2
    np.testing.assert_array_equal(make_dataset(name, rng=3)[0], X)


def test_correlated_gaussian_has_the_requested_statistics():
    X = correlated_gaussian(20000, correlation=0.8, anisotropy=3.0, offset=(2.0, 1.0), rng=0)
    np.testing.assert_allclose(X.mean(axis=0), [2.0, 1.0], atol=0.05)
    np.testing.assert_allclose(X.std(axis=0), [3.0, 1.0], rtol=0.02)
    assert np.corrcoef(X.T)[0, 1] == pytest.approx(0.8, abs=0.01)


def test_split_is_disjoint_with_the_requested_sizes():
    X = np.arange(200.0).reshape(100, 2)
    s = split(X, np.arange(100), val=0.2, test=0.1, rng=0)
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (70, 20, 10)
    ids = np.concatenate([s.y_train, s.y_val, s.y_test])
    assert sorted(ids.tolist()) == list(range(100))
    with pytest.raises(ValueError, match="val \\+ test = 1 leaves no training data"):
        split(X, np.arange(100), val=0.5, test=0.5)


def test_photo_patches_are_grey_values_in_unit_range():
    P = photo_patches(300, 8, rng=0)
    assert P.shape == (300, 64) and 0 <= P.min() and P.max() <= 1
    # Neighbouring pixels of a natural image are strongly correlated.
    assert np.corrcoef(P[:, 0], P[:, 1])[0, 1] > 0.8


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])  # 2: as the official files (Python 2 era)
def test_cifar10_loader_reads_the_python_format(tmp_path, protocol):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (4, 3, 32, 32), dtype=np.uint8)
    for name in ("data_batch_1", "data_batch_2", "test_batch"):
        with open(tmp_path / name, "wb") as f:
            batch = {b"data": images.reshape(4, 3072), b"labels": [0, 1, 2, 9], b"batch_label": b"training batch"}
            pickle.dump(batch, f, protocol=protocol)
    X_train, y_train, X_test, y_test = load_cifar10(tmp_path)
    assert X_train.shape == (8, 32, 32, 3) and X_test.shape == (4, 32, 32, 3)
    np.testing.assert_array_equal(X_train[0, :, :, 1], images[0, 1])  # channel-major rows -> (H, W, C)
    assert y_train.tolist() == [0, 1, 2, 9, 0, 1, 2, 9]


def test_cifar10_loader_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a directory"):
        load_cifar10(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="needs data_batch_1..5 and test_batch"):
        load_cifar10(tmp_path)
    for name in ("data_batch_1", "test_batch"):
        with open(tmp_path / name, "wb") as f:
            pickle.dump({"x": 1}, f)
    with pytest.raises(ValueError, match="is not a CIFAR-10 python batch"):
        load_cifar10(tmp_path)


class _RunsCode:
    """What a crafted batch would hold: unpickling it calls a function of the attacker's choice."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))  # creates a file: harmless here, and visible


@pytest.mark.parametrize("where", ["whole", "inside"])
def test_a_crafted_cifar10_batch_runs_no_code_and_gets_a_clear_message(tmp_path, where):
    marker = tmp_path / "ran"
    payload = _RunsCode(marker)
    for name in ("data_batch_1", "test_batch"):
        with open(tmp_path / name, "wb") as f:
            pickle.dump(payload if where == "whole" else {b"data": payload, b"labels": [0]}, f)
    with pytest.raises(ValueError, match=r"not a readable CIFAR-10 python batch .*asks for (io|builtins)\.open, which "
                                         r"a data batch never holds"):  # fmt: skip
        load_cifar10(tmp_path)
    assert not marker.exists()


def test_the_decision_region_grid_covers_the_data_with_its_margin_and_keeps_row_order():
    from nnlab.data.toy2d import region_grid

    X = np.array([[0.0, 0.0], [2.0, 1.0]])
    grid = region_grid(X, (5, 3), margin=0.5)
    assert grid.extent == (-0.5, 2.5, -0.5, 1.5) and grid.shape == (3, 5)
    assert grid.inputs.shape == (15, 2) and np.array_equal(grid.inputs[:5, 1], np.full(5, -0.5))  # row by row
    assert np.array_equal(grid.image(grid.inputs[:, 0])[0], grid.x)  # values back as an image, first row at y0
    assert grid.image(np.zeros((15, 3))).shape == (3, 5, 3)
    relative = region_grid(X, 4, margin=0.1, relative=True)  # 10% of the larger side (2)
    assert relative.extent == pytest.approx((-0.2, 2.2, -0.2, 1.2))
    with pytest.raises(ValueError, match="X"):
        region_grid([[np.nan, 0.0]], 4)
    for points in (0, -3, (5,), "many", (5, 1)):
        with pytest.raises(ValueError, match="points"):
            region_grid(X, points)
    with pytest.raises(ValueError, match="margin"):
        region_grid(X, 4, margin=-1.0)
