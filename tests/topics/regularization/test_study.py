"""The regularization experiments, trained by the core: L1's zeros, max-norm's bound, the steep sigmoid, early
stopping's kept weights, depth, and augmentation on a small set (the augmentations' invariants are
tests/core/test_augment.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.regularization import study as study


def test_l1_leaves_more_weights_near_zero_than_l2_at_equal_fit():
    fits, _ = study.penalties(1e-3)
    assert fits["l1"].near_zero > 0.5 and fits["elastic_net"].near_zero > 0.5
    assert fits["l2"].near_zero < 0.05 and fits["none"].near_zero < 0.05
    assert abs(fits["l1"].train_acc - fits["l2"].train_acc) <= 0.03  # the same fit, within 3 points
    assert abs(fits["l1"].val_acc - fits["l2"].val_acc) <= 0.03
    strong, _ = study.penalties(1e-2)
    assert strong["l2"].train_acc < fits["l2"].train_acc  # stronger penalties fit worse


def test_max_norm_keeps_every_unit_within_c_and_the_run_finite_while_the_plain_run_explodes():
    runs = study.max_norm(0.5, 3.0)
    plain, bounded = runs["plain"], runs["max-norm"]
    assert plain.status == "diverged" and max(plain.losses) > 3 * plain.losses[0]
    assert bounded.status == "finished" and np.all(np.isfinite(bounded.losses))
    assert max(bounded.losses) < 3 * bounded.losses[0]
    assert max(bounded.max_norms) <= 3.0 + 1e-9 and max(plain.max_norms) > 5.0
    assert bounded.val_acc > 0.7


def test_large_weights_give_a_steep_sigmoid_and_l2_keeps_them_small():
    x = np.array([-0.1, 0.0, 0.1])
    curves = study.sigmoid_curves((1.0, 50.0), x)
    assert curves[50.0][2] - curves[50.0][0] > 0.98 and curves[1.0][2] - curves[1.0][0] < 0.06
    _, _, largest = study.steep(1e-3)
    assert largest["no penalty"] > 4 * largest["L2"]


def test_early_stopping_returns_the_best_validation_epochs_weights():
    stop = study.early_stopping(10)
    assert stop.stopped_at == stop.best_epoch + 10 < 150
    assert stop.kept_val_acc == stop.val_acc[stop.best_epoch] == max(stop.val_acc)
    assert stop.val_acc[-1] <= stop.kept_val_acc
    never = study.early_stopping(0)
    assert never.stopped_at == 150 and never.train_loss[-1] < 0.01  # it overfits: the training loss vanishes
    assert never.val_loss[-1] > min(never.val_loss) * 1.1  # while the validation loss has turned up


def test_depth_gives_each_split_the_same_units_and_measures_roughness():
    result = study.depth(48)
    assert set(result.fits) == set(study.DEPTHS) and all(f.train_acc > 0.9 for f in result.fits.values())
    assert all(0 < r < 0.1 for r in result.rough.values()) and result.off_target == {}
    # the claims of both data sets, over 5 seeds: tests/claims/test_regularization_claims.py


def test_the_clean_star_is_labelled_by_its_region():
    data = study.star(0)
    assert len(data.y_train) == 1600 and len(data.y_val) == 400
    np.testing.assert_array_equal(study.in_star(data.X_train), data.y_train)
    assert study.in_star([[0.0, 0.0], [1.5, 1.5], [1.2, 0.0]]).tolist() == [1, 0, 1]  # centre, corner, a tip


def test_augmentation_helps_a_very_small_set_and_flips_hurt_digits():
    effect = study.augmentation_effect(50)
    assert effect.final["shifts + cutout"] > effect.final["none"] + 0.02
    assert effect.final["flips"] < effect.final["none"] - 0.02


def test_the_gallery_draws_the_same_for_the_same_seed():
    a = study.gallery("digits", 3, 1, 3, 0.4, 1.0)
    b = study.gallery("digits", 3, 1, 3, 0.4, 1.0)
    for x, y in zip(a.pictures, b.pictures):
        np.testing.assert_array_equal(x, y)
    top, left, bottom, right = a.box
    assert np.all(a.pictures[study.CUTOUT_AT][top:bottom, left:right] == 0)
    mix = a.titles[-1]
    assert mix == f"mixup: {a.mix:.1f} three / {1 - a.mix:.1f} seven"


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="lam"):
        study.penalties(-1.0)
    with pytest.raises(ValueError, match="patience"):
        study.early_stopping(-1)
    with pytest.raises(ValueError, match="neurons"):
        study.depth(2)
    with pytest.raises(ValueError, match="points"):
        study.moons(3, 0.1, 0)
    with pytest.raises(ValueError, match="train_size"):
        study.augmentation_effect(5)


def test_cifar10_without_a_folder_is_a_clear_message():
    with pytest.raises(ValueError, match="cifar10_path='' is not valid: type the folder"):
        study.gallery("CIFAR-10", 0, 4, 8, 0.4, 1.0)
