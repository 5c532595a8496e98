"""The batch-norm panel: its presets show what the lectures claim, every control moves the picture, a batch of
one is a message."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.batchnorm.panel import BatchNormPanel
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips


@pytest.fixture(scope="module")
def panel():
    return BatchNormPanel()


def test_the_undo_action_sets_gamma_sigma_beta_mu_and_the_output_is_the_input(panel):
    panel.apply_preset("normalize one batch")
    assert panel.result.x_hat.std() == pytest.approx(1.0, abs=1e-5)
    panel.act("gamma = sigma, beta = mu")
    assert np.max(np.abs(panel.result.y - panel.result.x)) < 1e-12
    assert panel.state["gamma"] == pytest.approx(np.sqrt(panel.result.var + 1e-5))
    assert "y = x" in panel.status


def test_small_batches_jump_more(panel):
    panel.apply_preset("batch of 4: noisy statistics")
    noisy = panel.result["stats"].means.std()
    panel.apply_preset("batch of 128: steady statistics")
    assert noisy > 4 * panel.result["stats"].means.std()
    assert panel.artists.here.get_xdata()[0] == 128


def test_batch_mates_move(panel):
    panel.apply_preset("batch mates are coupled")
    before, after = panel.result["before"], panel.result["after"]
    assert np.all(np.abs(after[1:] - before[1:]) > 0.3)
    assert "examples 2-5 moved by up to" in panel.artists.out_ax.get_title()


def test_running_statistics_presets(panel):
    panel.apply_preset("cumulative average = CMU rule")
    assert panel.result.var[-1] == pytest.approx(panel.result.cmu_var, abs=1e-12)
    assert "is the CMU rule" in panel.status
    panel.apply_preset("small batch: train and eval differ")
    assert np.mean(np.abs(panel.result.train_out - panel.result.eval_out)) > 0.3


def test_backward_preset_checks_itself(panel):
    panel.apply_preset("backward pass step by step")
    text = panel.artists.check.get_text()
    core = float(text.split("largest difference ")[1].split(";")[0])
    assert core < 1e-12
    assert panel.artists.values["gamma"].get_text().startswith(" 1.500")


def test_a_batch_of_one_is_a_message_and_the_state_stays():
    panel = BatchNormPanel()
    before = panel.state
    panel.set(batch=1)
    assert "batch=1 is not valid" in panel.error and panel.state == before
    assert_state_round_trips(panel)


def test_every_control_changes_the_picture():
    assert_each_change_alters_the_picture(BatchNormPanel(rescue_steps=200), {
        "one batch": {"batch": 8, "gamma": 2.0, "beta": 1.0, "seed": 2},
        "batch to batch": {"batch": 16, "batches": 30},
        "coupled": {"moved": 4.0},
        "train vs eval": {"momentum": "cumulative (momentum=None)", "batch": 4, "batches": 20},
        "backward": {"gamma": 0.5, "beta": -1.0},
        "rescue": {"rescue_activation": "relu", "rescue_std": 0.1, "rescue_lr": 0.3, "position": "after",
                   "rescue_steps": 300},
    })  # fmt: skip
