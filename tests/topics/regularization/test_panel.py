"""The regularization panel: its presets show what the lectures claim, drawn from the core's numbers; the
augmentation views; CIFAR-10 from a local folder; every control moves the picture."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.regularization.panel import RegularizationPanel
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips, write_fake_cifar10


@pytest.fixture(scope="module")
def panel():
    return RegularizationPanel()


def test_l1_zeros_are_counted_in_the_histograms_and_titles(panel):
    panel.apply_preset("L1 makes weights zero")
    fits = panel.result["fits"]
    stairs = panel.artists.hists["l1"]
    counts, edges = stairs.get_data().values, stairs.get_data().edges
    below = counts[edges[1:] <= -3.0].sum()  # bins entirely below log10 |w| = -3
    assert below / fits["l1"].weights.size == pytest.approx(fits["l1"].near_zero, abs=0.02)
    assert panel.artists.axes[2].get_title().startswith(f"L1: {fits['l1'].near_zero:.0%} < 1e-3")
    assert "L1 70%" in panel.status


def test_max_norm_preset_draws_the_bound_and_the_stop(panel):
    panel.apply_preset("max-norm keeps a high learning rate finite")
    art = panel.artists
    assert art.bound.get_ydata()[0] == 3.0 and max(art.norms["max-norm"].get_ydata()) <= 3.0 + 1e-9
    assert len(art.ends["plain"].get_xdata()) == 1 and len(art.ends["max-norm"].get_xdata()) == 0
    assert "plain: stopped at step" in art.loss_ax.get_title()


def test_early_stopping_marks_the_kept_epoch(panel):
    panel.apply_preset("early stopping keeps the best epoch")
    result = panel.result
    assert panel.artists.kept.get_xydata()[0].tolist() == [result.best_epoch, result.kept_val_acc]
    assert f"kept epoch {result.best_epoch}'s weights" in panel.status
    panel.apply_preset("no early stopping: overfitting")
    assert not panel.artists.stop[0].get_visible() and len(panel.artists.kept.get_xdata()) == 0


def test_the_augmentation_gallery_and_effect(panel):
    panel.apply_preset("augmentations of a digit")
    assert [ax.get_title() for ax in panel.artists.axes][:3] == ["original", "horizontal flip", "random crop (pad 1)"]
    assert "flips suit photographs, not digits" in panel.status
    panel.apply_preset("augmentation on 50 digits")
    final = panel.result.final
    widths = [bar.get_width() for bar in panel.artists.bars]
    assert widths == [final[k] for k in ("none", "shifts", "cutout", "shifts + cutout", "flips")]
    assert f"without augmentation {final['none']:.1%}" in panel.status


def test_cifar10_from_a_local_folder_and_a_message_without_one(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    images = write_fake_cifar10(folder, 20)
    panel = RegularizationPanel(view="augmentation", source="CIFAR-10")
    assert "cifar10_path='' is not valid" in panel.error
    assert panel.state["view"] == "L2, L1, elastic net"  # the refused settings were not kept
    panel.set(view="augmentation", source="CIFAR-10", cifar10_path=str(folder))
    assert panel.error is None
    np.testing.assert_allclose(panel.result.pictures[0], images[3].transpose(1, 2, 0) / 255.0)  # the first cat
    assert "cat /" in panel.result.titles[-1] and "dog" in panel.result.titles[-1]
    shown = [c.name for c in panel.controls if panel.shows_control(c, panel.state)]
    assert "cifar10_path" in shown


def test_state_round_trips_after_changes():
    panel = RegularizationPanel(view="augmentation", pad=2, jitter=0.7, source="digits")
    assert panel.error is None
    assert_state_round_trips(panel)


def test_every_control_changes_the_picture():
    assert_each_change_alters_the_picture(RegularizationPanel(), {
        "L2, L1, elastic net": {"lam": 0.003, "seed": 1},
        "max-norm": {"maxnorm_lr": 0.2, "c": 4.0},
        "steep sigmoid": {"steep_lam": 0.01},
        "early stopping": {"patience": 5},
        "depth": {"neurons": 24},
        "augmentation": {"source": "digits", "pad": 2, "cutout_size": 4, "jitter": 0.8, "alpha": 0.3, "seed": 4},
        "accuracy gain": {"train_size": 60},
    })  # fmt: skip
