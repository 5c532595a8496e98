"""The activation functions panel: its presets show what the lectures claim, every control moves the picture,
bad values go to the status line."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.activations.panel import ActivationsPanel, nice_ceiling
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips


@pytest.fixture(scope="module")
def panel():
    return ActivationsPanel()


def test_sigmoid_preset_states_the_vanishing_slope_and_shades_the_flat_tails(panel):
    panel.apply_preset("sigmoid kills gradients")
    assert "sigmoid'(+-10) = 4.5e-05" in panel.status
    x, flat = panel.result["x"], panel.result["curves"]["sigmoid"][2]
    assert flat[np.abs(x) > 6.0].all() and not flat[np.abs(x) < 5.0].any()  # f' < 0.0025 beyond |x| = 5.99
    band = panel.artists.bands[1].get_array()
    assert band.shape[1] == x.size and (band[0, :, 3] > 0).sum() == flat.sum()  # the grey band is the flat part


def test_relu_family_preset_labels_parameters_and_gelu_note(panel):
    panel.apply_preset("the ReLU family (EECS 498)")
    labels = [t.get_text() for t in panel.artists.f_ax.get_legend().get_texts()]
    assert labels == ["ReLU", "Leaky ReLU (slope 0.1)", "ELU (alpha 1)", "SELU", "GELU", "x sigmoid(1.702 x)"]
    assert "max difference 0.020" in panel.status
    curves = panel.result["curves"]
    assert curves["leaky_relu"][1].min() == pytest.approx(0.1)  # the slope control reaches the function


def test_maxout_note_counts_parameters(panel):
    panel.apply_preset("Maxout, k = 3")
    assert "30,300 instead of 10,100" in panel.status
    panel.set(maxout_k=5)
    assert "50,500" in panel.status and panel.result["pieces"].shape[1] == 5


def test_tanh_with_std_one_saturates_most_units(panel):
    panel.apply_preset("tanh, std 1: saturated")
    local = panel.result["local"]
    assert all(g.saturated > 0.8 for g in local)  # CS231n: "almost all neurons completely saturated"
    assert "saturated" in panel.artists.hist_ax.get_title()


def test_sigmoid_layers_multiply_the_gradient_by_at_most_a_quarter(panel):
    panel.apply_preset("sigmoid: f' at most 1/4 per layer")
    means = [g.mean for g in panel.result["local"]]
    assert all(m <= 0.25 for m in means)
    assert f"{np.prod(means):.2g}" in panel.status


def test_relu_he_half_the_values_get_no_gradient(panel):
    panel.apply_preset("ReLU, He: half the values get no gradient")
    assert all(0.4 < g.dead < 0.6 for g in panel.result["local"])


def test_zig_zag_presets(panel):
    panel.apply_preset("not zero-centred: zig-zag")
    positive, centred = panel.result["runs"]
    assert positive.same_sign == 1.0 and centred.same_sign < 0.7
    assert "100% of steps in quadrant I or III" in panel.artists.axes[0].get_title()
    panel.apply_preset("minibatches help")
    assert panel.result["runs"][0].straightness > 0.85


def test_dead_unit_presets(panel):
    panel.apply_preset("dead ReLUs: learning rate too high")
    assert panel.result.dead[-1, 0] > 0.1
    red = [line for line in panel.artists.lines if line.get_color() == "C3"]
    assert len(red) == panel.result.first_dead.sum() > 3
    panel.apply_preset("dead ReLUs: started off the data")
    assert panel.result.dead[-1, 0] > 0.1
    panel.apply_preset("Leaky ReLU does not die")
    assert np.all(panel.result.dead == 0) and "layer 1 0%" in panel.status
    orange = [line for line in panel.artists.lines if line.get_color() == "C1"]
    assert len(orange) == panel.result.first_inactive.sum() > 3  # never positive, yet learning
    panel.apply_preset("ELU started off the data does not die")
    assert np.all(panel.result.dead == 0)


def test_selu_presets(panel):
    panel.apply_preset("SELU self-normalizes (LeCun init)")
    assert np.all(np.abs(panel.result.stds - 1) < 0.05) and panel.result.stds.size == 50
    panel.apply_preset("SELU with He init drifts")
    assert panel.result.stds[-1] > 10


def test_race_preset_title(panel):
    panel.apply_preset("ReLU against tanh and sigmoid")
    assert panel.artists.ax.get_title() == ("steps to 25% training error: ReLU 90, tanh 650, sigmoid not in 1500 "
                                            "(ReLU 7.2x faster than tanh)")  # fmt: skip


def test_every_control_changes_the_picture():
    assert_each_change_alters_the_picture(ActivationsPanel(), {
        "functions": {"shown": ["tanh", "elu"], "elu_alpha": 2.0, "x_max": 3.0},
        "inputs": {"activation": "sigmoid", "scale": 0.5, "layer": 5, "width": 256, "inputs": "shifted",
                   "init": "xavier_normal", "layers": 3},
        "zig-zag": {"zigzag_batch": 4, "zigzag_lr": 0.2, "zigzag_steps": 100},
        "dead units": {"dead_lr": 2.0, "dead_bias": -0.3, "dead_steps": 200},
        "depth": {"activation": "selu", "init": "lecun_normal", "depth": 20},
        "race": {"race_lr": 0.2, "race_steps": 500, "race_init": "he_normal"},
    })  # fmt: skip


def test_fewer_layers_than_the_one_shown_shows_the_last():
    panel = ActivationsPanel(view="inputs", layers=6, layer=5)
    panel.set(layers=2)
    assert panel.state["layer"] == 2 and panel.error is None


def test_bad_values_go_to_the_status_line_and_the_state_stays():
    panel = ActivationsPanel()
    before = panel.state
    panel.set(x_max=-3)
    assert panel.error and "x_max" in panel.error and panel.state == before
    panel.set(shown=["softmax"])
    assert "shown" in panel.error and panel.state == before
    panel.set(shown=[])
    assert panel.error is None and "no function chosen" in panel.status
    assert_state_round_trips(panel)


def test_a_diverging_dead_run_is_a_message_not_a_crash():
    panel = ActivationsPanel(view="dead units", dead_lr=10.0, activation="elu", dead_steps=300)
    assert panel.error is None
    assert panel.status  # NaN loss or dead units: something to say


def test_controls_shown_follow_the_function_in_play():
    panel = ActivationsPanel()
    shown = {c.name for c in panel.controls if panel.shows_control(c, panel.state)}
    assert "leaky_slope" not in shown and "shown" in shown
    panel.set(shown=["leaky_relu"])
    assert panel.shows_control(next(c for c in panel.controls if c.name == "leaky_slope"), panel.state)


def test_nice_ceiling():
    assert [nice_ceiling(v) for v in (0.3, 1.2, 3.7, 7, 23, 160, np.inf)] == [1, 2, 5, 10, 50, 200, 1]
