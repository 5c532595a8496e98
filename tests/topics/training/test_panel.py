"""The training panel: the lectures' claims as presets (numbers from the runs), the same steps as Trainer,
live changes without a reset, play that never falls behind, bad input as messages."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from nnlab.core.model import Network
from nnlab.core.train import Trainer
from nnlab.topics.training.panel import TrainingPanel, parse_hidden
from nnlab.topics.training.study import EVAL_EVERY
from tests.app.helpers import write_fake_cifar10


def trained(preset: str, iteration: int, **changes) -> TrainingPanel:
    panel = TrainingPanel()
    panel.apply_preset(preset)
    panel.set(**changes, iteration=iteration)
    if panel._pending is not None:  # a long run asks first; this is a test, go on
        panel.compute_anyway()
    assert panel.error is None, panel.error
    return panel


def last(panel: TrainingPanel):
    return panel.result.run.snapshots[-1]


def test_cs231n_case_study_linear_about_half_and_two_layer_net_above_97_percent():
    """CS231n "Putting it together": softmax on the spiral reaches about 49%; 100 hidden ReLUs, step size 1.0,
    reg 1e-3, full batch, 10,000 iterations: 98%. The 3x-loss rule must not stop this plain run."""
    linear = trained("spiral: linear softmax", 1000)
    assert 0.45 <= last(linear).train_acc <= 0.6
    net = trained("spiral: 2-layer net (CS231n)", 10_000)
    assert net.result.run.iteration == 10_000 and not net.result.run.stopped
    assert last(net).train_acc >= 0.97


def test_initial_loss_is_ln_c_and_higher_with_regularization():
    panel = TrainingPanel(regularizer="none", init="normal", init_std=0.01)
    assert panel.status.startswith("step 0; initial loss 1.09")
    assert "ln C = 1.099 for C = 3: as expected" in panel.status
    panel.set(regularizer="l2", reg=1.0)
    assert "higher by 0.017, as it should be with regularization on" in panel.status
    panel.set(reg=1e-3)  # a penalty too small to show: no claim that the loss is higher
    assert "as expected (the penalty of weights this small adds almost nothing)" in panel.status
    panel.set(loss="svm", regularizer="none")
    assert "C - 1 = 2.000" in panel.status


def test_overfitting_20_points_reaches_100_percent_with_a_loss_near_zero():
    panel = trained("overfit 20 points (sanity check)", 500)
    assert last(panel).train_acc == 1.0 and last(panel).train_loss < 0.05


def test_learning_rates_too_low_too_high_and_good():
    low = trained("learning rate 1e-6: barely moves", 500)
    loss = np.asarray(low.result.run.history.loss)
    assert abs(loss[-20:].mean() - loss[:20].mean()) < 0.01 * loss[0]
    assert "loss not going down (learning rate too low?)" in low.status
    high = trained("learning rate 1e6: explodes", 50)
    assert "loss above 3x the first loss at step 2" in high.status
    good = trained("good learning rate", 500)
    assert last(good).train_acc > 0.9 and "learning rate" not in good.status


def test_bad_init_kills_relus_and_deep_tanh_needs_batch_norm():
    dead = trained("bad init: dead ReLUs", 200)
    assert last(dead).dead == [1.0, 1.0] and "100% dead ReLUs in a layer" in dead.status
    stalls = trained("deep tanh, no batch norm", 1000)
    trains = trained("deep tanh + batch norm", 1000)
    assert last(stalls).train_acc < 0.5 < 0.9 < last(trains).train_acc


def test_dropout_and_l2_shrink_the_train_validation_gap_on_noisy_moons():
    plain = trained("overfitting: noisy moons", 2000)
    regular = trained("dropout and L2 against it", 2000)
    gap = last(plain).train_acc - last(plain).val_acc
    assert gap >= 0.15 and "overfitting" in plain.status
    assert last(regular).train_acc - last(regular).val_acc < gap - 0.1


def test_the_panels_steps_are_trainers_steps():
    """Parameters after 100 steps equal a Trainer's with the same network, data and settings."""
    panel = TrainingPanel(iteration=100)
    run = panel._run
    data = panel._data(panel.state)
    spec, config, _ = panel._spec_and_config(panel.state, data)
    trainer = Trainer(Network(spec), *data, config=replace(config, epochs=1000))  # the default has a validation set
    for _ in range(100):
        trainer.step()
    for mine, theirs in zip(run.network.arrays, trainer.network.arrays):
        np.testing.assert_array_equal(mine, theirs)


def test_a_new_learning_rate_goes_on_from_the_current_step_and_replays_the_same():
    panel = TrainingPanel(iteration=100)
    run = panel._run
    panel.set(lr=0.05)
    assert panel.state["changes"] == [[0, {"lr": 0.01}], [100, {"lr": 0.05}]]
    panel.set(iteration=150)
    assert panel._run is run  # no reset: the same run went on
    assert run.history.lr[99] == 0.01 and run.history.lr[100] == 0.05
    again = TrainingPanel(**panel.state)  # the state alone replays the run
    for mine, theirs in zip(again._run.network.arrays, run.network.arrays):
        np.testing.assert_array_equal(mine, theirs)
    panel.set(hidden="8")  # anything else starts over
    assert panel.state["iteration"] == 0 and panel.state["changes"] == []


def test_dropout_and_the_schedule_change_live_and_replay_the_same():
    """Like the learning rate, dropout's keep probability and the schedule change without a new network."""
    panel = TrainingPanel(iteration=100)
    run = panel._run
    panel.set(keep_prob=0.5)
    panel.set(schedule="exponential")
    assert panel.state["changes"] == [[0, {"schedule": "constant"}], [0, {"keep_prob": 1.0}],
                                      [100, {"keep_prob": 0.5}], [100, {"schedule": "exponential"}]]  # fmt: skip
    panel.set(iteration=200)
    assert panel._run is run and panel.state["iteration"] == 200
    dropout = [run.network.layers[parts["dropout"]] for parts in run.network.hidden]
    assert [d.keep_prob for d in dropout] == [0.5, 0.5] and 0.3 < dropout[0].mask.mean() < 0.7
    # The exponential schedule (gamma 0.95 per epoch; 210 training points in batches of 64: 3 steps an epoch)
    # starts at step 100 from its epoch 0, as a new PyTorch scheduler would: no jump, then 0.95 an epoch.
    lr = np.array(run.history.lr)
    assert run.trainer.iterations_per_epoch == 3
    assert np.all(lr[:100] == 0.01) and lr[100] == 0.01
    assert lr[199] == pytest.approx(0.01 * 0.95 ** ((199 - 100 + 2) // 3))
    again = TrainingPanel(**panel.state)  # the state alone replays the run
    for mine, theirs in zip(again._run.network.arrays, run.network.arrays):
        np.testing.assert_array_equal(mine, theirs)


def test_every_view_draws_the_same_run_without_training_again():
    panel = TrainingPanel(iteration=50)
    run, iteration = panel._run, panel._run.iteration
    for view in ("curves", "inside", "updates", "regions"):
        panel.set(view=view)
        assert panel.error is None and panel._run is run and run.iteration == iteration
    assert len(panel.result.run.snapshots) == 50 // EVAL_EVERY + 1


def test_play_never_falls_behind_a_slow_frame():
    """Frames are scheduled one after another: with frames of 0.2 s and a 0.05 s interval, 1 s of playing
    gives about 5 frames (a ticker queueing every 0.05 s would owe 20), and nothing is left to run after pause."""
    panel = TrainingPanel()
    original = panel.train_to

    def slow(state):
        time.sleep(0.2)
        return original(state)

    panel.train_to = slow

    async def play_for_a_second():
        panel.play(interval=0.05, background=True)  # as in a kernel: frames on the running event loop
        await asyncio.sleep(1.0)
        panel.pause()
        frames = panel.state["iteration"] // panel.state["speed"]
        await asyncio.sleep(0.5)  # after pause: no queued frame may still run
        return frames, panel.state["iteration"] // panel.state["speed"]

    outcome = []  # asyncio.run in a thread of its own: an earlier test may have left this thread's loop running
    worker = threading.Thread(target=lambda: outcome.append(asyncio.run(play_for_a_second())))
    worker.start()
    worker.join(30)
    frames, later = outcome[0]
    assert 3 <= frames <= 8, frames
    assert later == frames


def test_headless_play_and_step_and_reset():
    panel = TrainingPanel(speed=50)
    panel.play(frames=3)
    assert panel.state["iteration"] == 150
    panel.act("step")
    assert panel.state["iteration"] == 200
    panel.act("reset")
    assert panel.state["iteration"] == 0 and panel.state["changes"] == []


def test_drawing_points_adds_training_data_and_a_drawn_only_set_needs_two_classes():
    panel = TrainingPanel(dataset="drawn points only", batch=1)
    assert panel.error is not None  # nothing drawn yet: a message, the defaults stay
    panel = TrainingPanel()
    before = len(panel.result.data[0]) + len(panel.result.data[2])
    panel.add_point(0.5, 0.5, 1)
    assert len(panel.result.data[0]) + len(panel.result.data[2]) == before + 1
    assert panel.state["drawn"] == [[0.5, 0.5, 1]] and panel.state["iteration"] == 0
    panel.set(dataset="drawn points only", batch=2)
    assert "at least two points of two classes" in panel.status
    panel.add_point(-0.5, -0.5, 0)
    panel.set(dataset="drawn points only", batch=2, val_fraction=0.0)
    assert panel.error is None
    panel.act("clear points")  # a drawn-only set cannot lose its points: a message, and they stay
    assert "at least two points" in panel.status and len(panel.state["drawn"]) == 2
    panel.set(dataset="spiral")
    panel.act("clear points")
    assert panel.state["drawn"] == [] and panel.error is None


@pytest.mark.parametrize("hidden, message", [("16, x", "write the hidden layers' widths"),
                                             ("0", "at most 8 layers of 1 to 256 units")])  # fmt: skip
def test_bad_input_is_a_clear_message(hidden, message):
    panel = TrainingPanel()
    panel.set(hidden=hidden)
    assert message in panel.status and panel.state["hidden"] == "16, 16"
    panel.set(batch=2000)
    assert "batch=2000 is larger than the" in panel.status
    panel.set(drawn=[[float("nan"), 0, 1]])
    assert "drawn=" in panel.status
    assert parse_hidden("") == [] and parse_hidden("4 4") == [4, 4]


def test_bad_init_plateau_then_learning():
    """The lectures' loss curve of a bad initialization: flat at ln C for a long while, then it learns."""
    panel = trained("bad init: plateau, then learning", 2000)
    loss = np.asarray(panel.result.run.history.loss)
    assert abs(loss[400:600].mean() - np.log(3)) < 0.01
    assert loss[-50:].mean() < 0.7


def test_relu_reaches_25_percent_training_error_several_times_faster_than_tanh():
    """AlexNet (Krizhevsky et al. 2012, figure 1): about 6x. Here, seed 0: ReLU at step 90, tanh at step 650."""
    from nnlab.topics.training.study import first_below

    relu = first_below(trained("race to 25% error: ReLU", 1000).result.run.snapshots, 0.25)
    tanh_panel = trained("race to 25% error: tanh", 1000)
    tanh = first_below(tanh_panel.result.run.snapshots, 0.25)
    assert (relu, tanh) == (90, 650)
    assert "training error below 25% since step 650" in tanh_panel.status


def test_digits_initial_loss_is_ln_10_and_higher_with_l2_and_the_network_learns_them():
    """CS231n "Sanity checks" at C = 10 on scikit-learn's bundled 8 x 8 digits: loss 2.303 at the start."""
    pytest.importorskip("sklearn")
    panel = TrainingPanel()
    panel.apply_preset("initial loss ln 10 (digits)")
    first = panel.result.run.snapshots[0].train_loss
    assert first == pytest.approx(np.log(10), abs=0.01)
    assert "ln C = 2.303 for C = 10: as expected" in panel.status
    assert panel._run.network.layers[0].params["W"].shape[0] == 64  # 8 x 8 pixels in
    panel.apply_preset("initial loss with L2 on: higher (digits)")
    assert panel.result.run.snapshots[0].train_loss > first + 0.5
    assert "higher by 1.185, as it should be with regularization on" in panel.status
    learnt = trained("initial loss ln 10 (digits)", 1000, optimizer="adam", lr=0.01, init="he_normal")
    assert last(learnt).val_acc > 0.9
    images, truth, guess = learnt.result.gallery
    assert images.shape == (24, 8, 8) and np.mean(guess == truth) > 0.8
    shown = [t.get_text() for t in learnt.artists[0].labels]
    assert shown[0] == (str(guess[0]) if guess[0] == truth[0] else f"{guess[0]} ({truth[0]})")


def test_cifar10_from_a_local_folder(tmp_path):
    """CIFAR-10 where the user has it (nothing is downloaded): a fake 'cifar-10-batches-py' folder here."""
    images = write_fake_cifar10(tmp_path, 60)
    panel = TrainingPanel(dataset="CIFAR-10 (a local folder)")
    assert "set cifar10_path" in panel.error  # no folder yet: the message says what to do
    panel = TrainingPanel(dataset="CIFAR-10 (a local folder)", cifar10_path=str(tmp_path), points=60, batch=16,
                          init="normal", init_std=0.001)  # fmt: skip
    assert panel.error is None
    assert panel._run.network.layers[0].params["W"].shape[0] == 3072
    assert "ln C = 2.303 for C = 10: as expected" in panel.status
    shown, truth, _ = panel.result.gallery
    assert shown.shape == (18, 32, 32, 3)  # the validation images (30% of 60), in colour
    originals = images.transpose(0, 2, 3, 1)  # (N, 32, 32, 3), as the loader gives them
    for image, label in zip(shown, truth):  # each one of the folder's images, with its label
        match = np.flatnonzero(np.all(np.round(image * 255) == originals, axis=(1, 2, 3)))
        assert match.size == 1 and match[0] % 10 == label
    panel.set(cifar10_path=str(tmp_path / "missing"))
    assert "missing" in panel.error and panel.state["cifar10_path"] == str(tmp_path)


@pytest.mark.parametrize("which, label", [("training", "pause"), ("search", "stop")])
def test_pause_and_stop_leave_the_last_message_not_a_spinner(which, label):
    """After play, pause (training) and stop (search) used to leave 'pause...' with a spinner in the status line,
    the step's message gone, until something else changed."""
    pytest.importorskip("ipympl")
    from nnlab.topics import get_panel_class

    panel = get_panel_class(which)()
    panel.widget()
    panel.play(frames=2, background=False)
    before = panel.ui.status.value
    panel.ui.run_action(label)
    assert f"{label}..." not in panel.ui.status.value and panel.ui.status.value == before


def test_the_updates_view_draws_before_the_first_step():
    """At step 0 there is no update yet: the view used to raise (a reshape of nothing), now shown as a bug of ours."""
    panel = TrainingPanel()
    panel.set(view="updates")
    assert panel.error is None and panel.state["view"] == "updates"
    panel.set(iteration=20)
    assert panel.error is None and len(panel.artists.ratios[0].get_xdata()) == 20
