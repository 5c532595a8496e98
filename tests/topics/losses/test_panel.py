"""The loss panel: its presets show what the lectures claim, the drawn values are the core's, every control
moves the picture, bad combinations are messages."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.losses import study as study
from nnlab.topics.losses.panel import SCORE_KEYS, LossesPanel
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips


@pytest.fixture(scope="module")
def panel():
    return LossesPanel()


def bar_heights(bars) -> np.ndarray:
    return np.array([bar.get_height() for bar in bars])


def test_the_lecture_example_is_drawn_with_the_core_values(panel):
    panel.apply_preset("CS231n: cat 3.2, car 5.1, frog -1.7")
    art = panel.artists
    np.testing.assert_array_equal(bar_heights(art.score_bars), [3.2, 5.1, -1.7])
    assert "L = 2.90" in art.score_ax.get_title() and "L = -ln p = 2.04" in art.prob_ax.get_title()
    core = study.score_losses(np.array([3.2, 5.1, -1.7]), 0)
    np.testing.assert_array_equal(bar_heights(art.svm_grad), core.svm_grad)
    np.testing.assert_array_equal(bar_heights(art.softmax_grad), core.softmax_grad)
    np.testing.assert_array_equal(bar_heights(art.prob_bars), core.probabilities)
    # only car violates the margin: its red bar runs from f_cat - delta = 2.2 up to 5.1
    np.testing.assert_allclose(bar_heights(art.margin_bars), [0.0, 5.1 - 2.2, 0.0])
    assert art.margin_line.get_ydata()[0] == pytest.approx(2.2)


def test_margins_hold_the_svm_stops_caring(panel):
    panel.apply_preset("margins hold: SVM 0, softmax wants more")
    assert np.all(bar_heights(panel.artists.svm_grad) == 0)
    assert np.all(bar_heights(panel.artists.softmax_grad) != 0)
    assert "stops caring" in panel.status and "L = 0.551" in panel.status


def test_ten_zero_scores_give_nine_and_ln_ten(panel):
    panel.apply_preset("all scores 0: C - 1 and ln C (10 classes)")
    assert len(panel.artists.score_bars) == 10
    assert "SVM loss = (C - 1) delta = 9" in panel.status and "ln C = 2.303" in panel.status
    panel.act("small random scores")
    scores = np.array([panel.state[k] for k in SCORE_KEYS])
    assert np.any(scores != 0) and np.all(np.abs(scores) < 0.3)
    assert "(C - 1 = 9)" in panel.status and "(ln C = 2.303)" in panel.status
    bound = 2 * np.abs(scores).max()  # how far small scores can move each margin and the softmax loss
    assert panel.result.svm == pytest.approx(9, abs=9 * bound) and panel.result.softmax == pytest.approx(
        np.log(10), abs=bound
    )


def test_fewer_classes_move_the_true_class_and_hide_the_scores():
    panel = LossesPanel(classes=8, true_class="ship")
    panel.set(classes=4)
    assert panel.state["true_class"] == "bird" and panel.error is None
    shown = [c.name for c in panel.controls if c.name in SCORE_KEYS and panel.shows_control(c, panel.state)]
    assert shown == list(SCORE_KEYS[:4])
    before = panel.state
    panel.set(true_class="truck")
    assert "true_class='truck' is not valid with 4 classes: choose one of: cat, car, frog, bird" in panel.error
    assert panel.state == before
    panel.set(score_cat=float("nan"))
    assert "score_cat=nan is not valid" in panel.error and panel.state == before


def test_the_linear_classifiers_and_the_step_action(panel):
    panel.apply_preset("linear classifier: SVM against softmax")
    svm, softmax = panel.result
    assert svm.accuracy > 0.9 and softmax.accuracy > 0.9
    assert panel.artists.curves[0].get_xdata().size == 101
    panel.act("50 more steps")
    assert panel.state["steps"] == 150 and panel.result[0].losses.size == 151
    strong = LossesPanel()
    strong.apply_preset("linear classifier: strong regularization")
    assert np.linalg.norm(strong.result[1].W) < np.linalg.norm(softmax.W) / 2


def test_a_diverging_classifier_is_a_message_and_the_last_picture_stays():
    panel = LossesPanel(view="linear classifier")
    before = panel.image()
    panel.set(lr=10.0, reg=10.0)
    assert "diverged" in panel.error
    np.testing.assert_array_equal(panel.image(), before)


def test_cmu_surfaces_show_the_l2_plateau(panel):
    panel.apply_preset("CMU: L2 is flat far away, KL is steep")
    l2_path, kl_path = (line.get_xydata() for line in panel.artists.paths)
    assert np.linalg.norm(l2_path[-1] - l2_path[0]) < 2 and np.linalg.norm(kl_path[-1] - kl_path[0]) > 8
    gradients = [float(part.split("= ")[1]) for part in panel.status.split(": ", 1)[1].split(", ")]
    assert gradients[1] > 50 * gradients[0]
    panel.apply_preset("CMU: near the optimum both descend")
    l2_err = panel.result["l2"][1]
    assert l2_err[-1] < 0.6 * l2_err[0]


def test_the_outlier_pulls_only_the_l2_line(panel):
    panel.apply_preset("an outlier pulls the L2 line")
    result = panel.result
    assert result.l2_fit[0] > 0.6 and result.l1_fit[0] == pytest.approx(0.5, abs=0.05)
    x, y = panel.artists.l2_here.get_xydata()[0]
    assert y == pytest.approx(2 * x)  # the L2 marker lies on 2 r
    assert panel.artists.l1_here.get_xydata()[0][1] == -1.0


def test_attribute_markers_are_the_core_values(panel):
    panel.apply_preset("attribute absent, score 3")
    lv, lg = study.attribute_loss(3.0, False, "logistic")
    assert panel.artists.here[0].get_xydata()[0].tolist() == [3.0, lv]
    assert panel.artists.here[2].get_xydata()[0].tolist() == [3.0, lg]
    assert panel.artists.here[1].get_xydata()[0].tolist() == [3.0, 4.0]  # hinge max(0, 1 + 3)


def test_state_round_trips_after_changes():
    panel = LossesPanel(classes=5, score_bird=2.5, true_class="bird", view="regression", outlier_y=-3.0)
    assert panel.error is None
    assert_state_round_trips(panel)


def test_every_control_changes_the_picture():
    assert_each_change_alters_the_picture(LossesPanel(), {
        "scores": {"classes": 4, "true_class": "car", "score_cat": 1.0, "score_bird": 2.0, "delta": 3.0,
                   "hinge": "squared hinge"},
        "linear classifier": {"reg": 0.3, "lr": 0.1, "steps": 40, "seed": 3},
        "error surfaces": {"start_w1": 2.0, "start_w2": 3.0, "surface_lr": 3.0, "surface_steps": 50, "seed": 2},
        "regression": {"outlier_y": 12.0, "seed": 1},
        "attributes": {"attribute_score": -2.0, "present": False},
    })  # fmt: skip
