"""The search panel: the presets show the lecture's points, trials appear frame by frame and stop when asked,
a new search starts empty, parallel frames give the same picture, bad ranges are messages."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from nnlab.topics.search.panel import TRIALS, SearchPanel
from tests.app.helpers import assert_each_change_alters_the_picture, assert_state_round_trips


def test_grid_against_random_marks_three_values_against_nine():
    panel = SearchPanel()
    art = panel.artists
    assert len(art.top_marks[0].get_segments()) == 3 and len(art.top_marks[1].get_segments()) == 9
    assert "found a better value of the important parameter than the grid in 64%" in panel.status
    panel.apply_preset("grid against random: 16 trials")
    assert len(art.top_marks[0].get_segments()) == 4 and "in 75%" in panel.status


def test_a_coarse_search_lists_its_best_trials_and_says_what_stopped():
    panel = SearchPanel()
    panel.apply_preset("coarse search: 30 trials (digits)")
    assert len(panel.result.trials) == 30
    best = max(panel.result.trials, key=lambda t: t.score)
    assert best.score > 0.9
    assert panel.artists.best.get_xydata()[0].tolist() == [best.params["lr"], best.params["reg"]]
    table = panel.artists.table.get_text().splitlines()
    assert table[2].startswith(f"{best.params['lr']:.2e}") and "aborted early because the loss exploded" in panel.status
    assert panel.artists.progress_text.get_text() == "30 of 30 trials"


def test_the_edge_and_the_stopped_runs_are_in_the_status_line():
    panel = SearchPanel()
    panel.apply_preset("range too narrow: best at the edge")
    assert "best lr = " in panel.status and "sits at the high edge of [0.0001, 0.01]" in panel.status
    panel.apply_preset("rates too high: runs stop early")
    stopped = sum(not np.isfinite(t.score) for t in panel.result.trials)
    assert stopped > 20 and f"{stopped} run(s) aborted early" in panel.status
    assert len(panel.artists.diverged.get_xdata()) == stopped


def test_coarse_to_fine_draws_the_second_stage_inside_the_box():
    panel = SearchPanel()
    panel.apply_preset("coarse to fine: 2 x 30 trials (digits)")
    fine = [t for t in panel.result.trials if t.round == 1]
    assert len(fine) == 30 and panel.artists.fine_box.get_visible()
    x, y = panel.artists.fine_box.get_xy()
    w, h = panel.artists.fine_box.get_width(), panel.artists.fine_box.get_height()
    for t in fine:
        assert x <= t.params["lr"] <= x + w and y <= t.params["reg"] <= y + h
    assert len(panel.artists.stages[1].get_offsets()) == sum(np.isfinite(t.score) for t in fine)


def test_play_adds_trials_frame_by_frame_and_stop_pauses():
    panel = SearchPanel(view="search", task="spiral", trials=10)
    panel.play(frames=3)
    assert panel.state["done"] == 3 and panel.artists.progress_text.get_text() == "3 of 10 trials"
    panel.set(jobs=2)
    panel.play(frames=2)
    assert panel.state["done"] == 7

    async def play_then_stop():
        panel.play(interval=0.01, background=True)
        await asyncio.sleep(0.3)
        panel.act("stop")
        stopped = panel.state["done"]
        await asyncio.sleep(0.3)
        return stopped

    outcome = []  # asyncio.run in a thread of its own: an earlier test may have left this thread's loop running
    worker = threading.Thread(target=lambda: outcome.append(asyncio.run(play_then_stop())))
    worker.start()
    worker.join(30)
    stopped = outcome[0]
    assert 7 < stopped <= 10 and panel.state["done"] == stopped and not panel.playing
    panel.play(frames=20)  # plays to the end and no further
    assert panel.state["done"] == 10 and not panel.can_go_on()


def test_parallel_frames_give_the_same_picture_as_sequential_ones():
    one = SearchPanel(view="search", task="spiral", trials=8, backend="sequential", seed=4)
    one.play(frames=8)
    TRIALS.runs.clear()  # the second panel runs every trial again, two at a time
    two = SearchPanel(view="search", task="spiral", trials=8, jobs=2, seed=4)
    two.play(frames=4)
    assert one.state["done"] == two.state["done"] == 8
    assert [t.score for t in one.result.trials] == [t.score for t in two.result.trials]


def test_a_new_search_starts_empty_and_a_bad_range_is_a_message():
    panel = SearchPanel(view="search", task="spiral", trials=10, done=10)
    panel.set(epochs=3)
    assert panel.state["done"] == 0 and panel.result.trials == []
    assert "press 'run search'" in panel.status
    before = panel.state
    panel.set(lr_low=1.0, lr_high=0.1)
    assert panel.error == "lr_low=1 is not valid: it must be below lr_high=0.1" and panel.state == before
    panel.set(done=11)
    assert "done=11 is not valid: this search has 10 trials (0 to 10)" in panel.error


def test_going_back_costs_nothing_and_shows_the_earlier_picture():
    panel = SearchPanel(view="search", task="spiral", trials=10, done=4)
    early = panel.image()
    panel.set(done=10)
    panel.set(done=4)
    np.testing.assert_array_equal(panel.image(), early)
    assert_state_round_trips(panel)


def test_every_control_changes_the_picture():
    assert_each_change_alters_the_picture(SearchPanel(), {
        "grid vs random": {"toy_trials": 25, "toy_seed": 5},
    })  # fmt: skip
    panel = SearchPanel(view="search", task="spiral", trials=10, done=10)
    for key, value in {"lr_low": 1e-3, "reg_high": 0.1, "task": "digits", "trials": 15, "stages": "coarse to fine",
                       "epochs": 3, "seed": 2}.items():  # fmt: skip
        before = panel.image()
        panel.set(**{key: value, "done": 5})
        assert panel.error is None and not np.array_equal(panel.image(), before), key


@pytest.mark.parametrize("backend", ["sequential", "threads"])
def test_how_the_trials_run_does_not_change_the_picture(backend):
    reference = SearchPanel(view="search", task="spiral", trials=6, done=6)
    TRIALS.runs.clear()
    other = SearchPanel(view="search", task="spiral", trials=6, done=6, jobs=3, backend=backend)
    np.testing.assert_array_equal(reference.image(), other.image())
