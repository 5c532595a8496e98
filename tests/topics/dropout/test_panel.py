"""The dropout panel: keep rates, expectations under inverted and vanilla scaling, ensembles, training; errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.topics.dropout.panel import DropoutPanel
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips


@pytest.fixture(scope="module")
def panel():
    return DropoutPanel()


def test_masks_keep_units_at_rate_p_with_a_different_subnetwork_per_example(panel):
    rates = []
    for new_pass in range(20):
        panel.set(view="masks", method="dropout", keep_prob=0.3, layers=["input", "hidden 1", "hidden 2"],
                  new_pass=new_pass)  # fmt: skip
        units = np.concatenate([u for u in panel.result["units"][:3]], axis=1)
        rates.append(units.mean())
        assert len({row.tobytes() for row in units}) > 25  # 32 examples, (almost) all different sub-networks
    n = 20 * 32 * 20
    assert abs(np.mean(rates) - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)


def test_dropconnect_masks_weights_and_the_graph_greys_them(panel):
    panel.set(view="masks", method="DropConnect", keep_prob=0.5, layers=["hidden 1"], new_pass=0)
    weights = panel.result["weights"]
    assert weights[0].all() and weights[2].all() and 0.2 < weights[1].mean() < 0.8
    assert all(u.all() for u in panel.result["units"])  # no unit is dropped
    colors = panel.artists["graph"].edges.get_colors()
    grey = np.mean([tuple(c) == (0.85, 0.85, 0.85, 0.5) for c in colors])
    assert grey == pytest.approx((~weights[1]).sum() / len(colors))


def test_inverted_dropout_training_mean_equals_the_test_output(panel):
    panel.set(view="expectation", mode="inverted", keep_prob=0.4, samples=20000)
    r = panel.result
    assert abs(r["mean"] - r["test"]) < 4 * r["stderr"]
    assert panel.status == ""


def test_vanilla_dropout_needs_the_test_time_scaling(panel):
    panel.set(view="expectation", mode="vanilla", keep_prob=0.4, samples=20000, test_scaling=True)
    r = panel.result
    assert abs(r["mean"] - r["test"]) < 4 * r["stderr"]
    panel.set(test_scaling=False)
    r = panel.result
    assert r["test"] == pytest.approx(r["mean"] / 0.4, rel=0.05)  # off by the factor 1/p
    assert panel.status.startswith("the test-time output does not match")


def test_sampled_subnetworks_converge_to_the_exact_ensemble(panel):
    panel.set(view="ensemble", mode="inverted", keep_prob=0.5, layers=["hidden 1", "hidden 2"], samples=4000)
    r = panel.result
    assert r["subnetworks"] == 16 and r["exact"].sum() == pytest.approx(1.0)
    gap = r["sampled_gap"]
    assert gap[-1] < 2 / np.sqrt(len(gap)) and gap[-1] < gap[:10].mean() / 5  # Monte Carlo: ~1/sqrt(M)
    assert r["test_gap"] > gap[-1]  # one weight-scaled pass only approximates the ensemble through ReLUs


def test_dropout_reduces_overfitting_on_a_small_set(panel):
    panel.apply_preset("dropout against overfitting")
    plain, dropped = (panel.result["runs"][k]["history"] for k in ("without dropout", "with dropout"))
    assert plain.train_acc[-1] - plain.val_acc[-1] > dropped.train_acc[-1] - dropped.val_acc[-1]
    assert dropped.val_acc[-1] >= plain.val_acc[-1]


@pytest.mark.parametrize("p", [0.0, 1.5, -0.2])
def test_keep_prob_outside_zero_one_is_a_clear_message(panel, p):
    panel.set(view="masks", keep_prob=0.5)
    panel.set(keep_prob=p)
    assert panel.error == f"keep_prob={p!r} is not valid: keep_prob must be a number from 0.05 to 1"
    assert panel.state["keep_prob"] == 0.5
    panel.set(keep_prob=0.5)
    assert panel.error is None


def test_state_round_trips_and_controls_change_the_picture():
    panel = DropoutPanel(epochs=20)
    assert_state_round_trips(panel)
    changes = {"masks": {"keep_prob": 0.8, "layers": ["input"], "method": "DropConnect", "new_pass": 3, "seed": 2},
               "expectation": {"mode": "vanilla", "test_scaling": False, "samples": 500},
               "ensemble": {"keep_prob": 0.7},
               "training": {"epochs": 40}}  # fmt: skip
    assert_each_change_alters_the_picture(panel, changes)


@pytest.mark.parametrize("view", ["masks", "expectation", "ensemble"])
def test_slider_views_update_their_figure_in_place(view):
    panel = DropoutPanel(view=view)
    artists, axes = panel.artists, list(panel.figure.axes)
    panel.set(keep_prob=0.7)
    assert panel.artists is artists and panel.figure.axes == axes and panel.error is None


def test_masks_show_each_examples_kept_fraction_and_a_typical_example_in_the_graph(panel):
    """Each example keeps a Binomial(16, p) / 16 share of its units: about p, not exactly; the bars below the
    grid show each one, and the graph shows the first example whose share is nearest p (outlined)."""
    panel.apply_preset("a different sub-network per example")
    units = panel.result["units"]
    grid = np.concatenate([units[1], units[2]], axis=1)  # (examples, 16 hidden units)
    kept = grid.mean(axis=1)
    heights = [bar.get_height() for bar in panel.artists["bars"] if bar.get_visible()]
    np.testing.assert_allclose(heights, kept)
    typical = int(np.argmin(np.abs(kept - 0.5)))
    assert panel.artists["graph_title"].get_text() == (
        f"example {typical + 1} (outlined): keeps {int(grid[typical].sum())} of 16 units"
    )
    assert abs(kept[typical] - 0.5) <= abs(kept[0] - 0.5)
    assert abs(kept.mean() - 0.5) < 0.1  # the minibatch as a whole keeps about p


def test_the_one_neuron_table_is_exact():
    """EECS 498 lecture 10: a = w1 x + w2 y; with p = 1/2 the four masks average to 1/2 (w1 x + w2 y). Any p:
    E[a] = p (w . x), summed over every mask in exact fractions."""
    from fractions import Fraction

    from nnlab.core.model import dropout_mask_table

    rows, expected = dropout_mask_table([1.0, 2.0], [3.0, 1.0], 0.5)
    assert [(mask, prob, a) for mask, prob, a in rows] == [((1, 1), 0.25, 5.0), ((1, 0), 0.25, 3.0),
                                                           ((0, 1), 0.25, 2.0), ((0, 0), 0.25, 0.0)]  # fmt: skip
    assert expected == 2.5
    p = Fraction(3, 10)
    rows, expected = dropout_mask_table([1.0, 2.0, -1.5], [3.0, 1.0, 2.0], float(p))
    exact = sum(Fraction(prob) * Fraction(a) for _, prob, a in rows)
    assert float(exact) == pytest.approx(float(p * Fraction(2)), rel=1e-12) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="at most 6"):
        dropout_mask_table(np.ones(7), np.ones(7), 0.5)


def test_the_ensemble_view_says_why_one_scaled_pass_misses_for_relu_and_not_for_linear(panel):
    panel.apply_preset("ensemble of sub-networks")
    gaps = panel.result["score_gaps"]
    assert gaps["ReLU"] > 0.5 and gaps["linear"] < 1e-12
    assert panel.result["test_gap"] == pytest.approx(0.38, abs=0.01)  # the probabilities, ReLU network
    assert "scaling is exact only for a linear network" in panel.status
    assert f"linear net {gaps['linear']:.2f}" in panel.artists["ax"].get_title()
