"""The optimizer trajectories panel: the classic animations' claims, one implementation, export."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnlab.core.surfaces import run_trajectories
from nnlab.export import ffmpeg_path
from nnlab.topics.trajectories.panel import TrajectoriesPanel, specs


@pytest.fixture(scope="module")
def panel():
    return TrajectoriesPanel()


def final_y(panel, label):
    k = panel.result.labels.index(label)
    return abs(panel.result.positions[k, -1, 0, 1])


def test_saddle_sgd_creeps_along_the_ridge_and_adaptive_methods_escape(panel):
    panel.apply_preset("saddle point")
    assert final_y(panel, "SGD") < 0.1
    for label in ("Adagrad", "RMSprop", "Adadelta"):
        assert final_y(panel, label) > 1, label


def test_adam_reaches_the_beale_minimum(panel):
    panel.apply_preset("Beale's function + Adam")
    k = panel.result.labels.index("Adam")
    assert np.linalg.norm(panel.result.positions[k, -1, 0] - [3.0, 0.5]) < 0.01


def test_momentum_smooths_a_noisy_descent(panel):
    """With noisy gradients SGD's successive steps point every which way; momentum's follow one another."""
    for seed in (0, 1, 2):
        panel.apply_preset("noisy bowl: momentum smooths")
        panel.set(seed=seed)
        steps = np.diff(panel.result.positions[:, :, 0], axis=1)
        a, b = steps[:, 1:], steps[:, :-1]
        cosine = ((a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))).mean(axis=1)
        sgd, momentum = cosine
        assert abs(sgd) < 0.1 and momentum > 0.75, (seed, cosine)


def test_paths_drawn_are_the_core_optimizers_output(panel):
    panel.apply_preset("long valley")
    state = panel.state
    core = run_trajectories(state["surface"], specs(state), [state["x0"], state["y0"]], state["steps"])
    np.testing.assert_array_equal(panel.result.positions, core.positions)
    for k, line in enumerate(panel.artists.paths):
        np.testing.assert_array_equal(line.get_xydata(), core.positions[k, :, 0])


def test_divergence_is_labelled_and_shown_in_the_status():
    diverging = TrajectoriesPanel(optimizers=["sgd", "adam"], sgd_lr=1.0)
    assert diverging.error is None
    assert diverging.status.startswith("SGD: diverged at step")
    labels = [line.get_label() for line in diverging.artists.paths]
    assert labels[0].startswith("SGD: diverged at step") and labels[1] == "Adam"
    k = int(diverging.result.diverged_at[0, 0])
    assert len(diverging.artists.paths[0].get_xdata()) <= k  # drawn up to the step where it diverged


def test_state_round_trips_and_every_control_changes_the_picture():
    small = TrajectoriesPanel(steps=60, optimizers=["sgd", "adam"])
    again = TrajectoriesPanel(**json.loads(small.to_json()))
    assert again.state == small.state
    start = {**small.state, "noise": 0.5}
    for control in small.controls:
        if control.group and not control.name.startswith(("sgd_", "adam_")):
            continue  # hyperparameters of optimizers not shown do not change the picture
        if control.kind == "button" or control.name == "speed":
            continue  # the player's step button and speed: see test_player_speed_and_step_button
        small.set(**start)
        before = small.image()
        value = start[control.name]
        if control.kind == "multi":
            new = ["momentum"]
        elif control.kind == "choice":
            new = next(o for o in control.options if o != value)
        elif control.kind == "play":
            new = value // 2
        elif control.kind == "log":
            new = value * 2
        elif control.kind == "float":
            new = round((control.low + control.high) / 2, 3)  # the middle of its range
        else:
            new = value + (control.step or 1)
        small.set(**{control.name: new})
        assert small.error is None, (control.name, small.error)
        assert not np.array_equal(small.image(), before), control.name


def test_clicking_the_contour_plot_moves_the_start():
    small = TrajectoriesPanel(steps=30)
    small.click(-2.0, 3.25)
    assert (small.state["x0"], small.state["y0"]) == (-2.0, 3.25)
    np.testing.assert_array_equal(small.result.positions[:, 0, 0], [[-2.0, 3.25]] * len(small.result.labels))


def test_new_surface_starts_from_its_classic_start_and_bad_settings_show_in_the_status():
    small = TrajectoriesPanel(steps=30)
    small.set(surface="rosenbrock")
    assert (small.state["x0"], small.state["y0"]) == (-1.5, 2.0)
    small.set(optimizers=[])
    assert small.error == "optimizers is empty: choose at least one optimizer"
    small.set(optimizers=["sgd"], sgd_lr=-1.0)
    assert small.error == "sgd_lr=-1.0 is not valid: sgd_lr must be a number from 1e-05 to 10"


@pytest.mark.parametrize("fmt", ["gif", "html", "mp4"])
def test_save_animation_writes_every_frame(tmp_path, fmt):
    if fmt == "mp4" and ffmpeg_path() is None:
        pytest.skip("ffmpeg is not installed")
    small = TrajectoriesPanel(steps=40, optimizers=["sgd", "adam"])
    path = small.save_animation(tmp_path / f"a.{fmt}", frames=12, size=(320, 240))
    data = path.read_bytes()
    if fmt == "gif":
        from PIL import Image

        with Image.open(path) as gif:
            assert gif.n_frames == 12 and gif.size == (320, 240)
    elif fmt == "html":
        text = data.decode()
        assert text.count("iVBOR") == 12  # twelve base64 PNG frames
        assert "http" not in text  # nothing fetched from the network
    else:
        assert data[4:8] == b"ftyp"


def test_animation_needs_two_frames_and_a_known_format(tmp_path):
    small = TrajectoriesPanel(steps=20)
    with pytest.raises(ValueError, match="frames=1 is outside the allowed range"):
        small.save_animation(tmp_path / "a.gif", frames=1)
    with pytest.raises(ValueError, match="must be .gif, .mp4 or .html"):
        small.save_animation(tmp_path / "a.avi")


def test_blitted_updates_equal_a_full_draw_pixel_for_pixel():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    live = TrajectoriesPanel(steps=80, optimizers=["sgd", "momentum", "adam"])
    canvas = FigureCanvasAgg(live.figure)
    live.attach(canvas)
    for change in ({"sgd_lr": 0.004}, {"momentum_momentum": 0.5}, {"frame": 30}, {"sgd_lr": 1.0}):
        live.set(**change)
        assert not live._fig._needs_full_draw  # this update was blitted
        blitted = np.asarray(canvas.buffer_rgba()).copy()
        np.testing.assert_array_equal(blitted, live.image())
    live.set(surface="bowl")  # new contours: a full draw, and still the same picture
    np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), live.image())


def test_player_speed_and_step_button():
    pytest.importorskip("ipympl")
    small = TrajectoriesPanel(steps=40)
    box = small.widget()
    play = small.ui.widgets["frame"][0][1]
    assert (play.max, play.interval) == (40, 50)  # 20 steps per second
    small.set(speed=50)
    assert play.interval == 20
    small.set(frame=10)
    step = next(c for c in box.children[1].children if getattr(c, "description", "") == "step +1")
    step.click()
    assert small.state["frame"] == 11 and play.value == 11
    small.set(steps=80)
    assert play.max == 80 and play.value == 80  # new steps: the player shows them all


def test_animation_frames_equal_full_draws_of_the_same_step(monkeypatch):
    import nnlab.export

    captured = {}
    monkeypatch.setattr(nnlab.export, "write_animation", lambda images, path, fps, title: captured.update(i=images))
    panel = TrajectoriesPanel(steps=40, optimizers=["sgd", "adam"])
    panel.save_animation("clip.gif", frames=5, size=(600, 450))
    for index, frame in ((2, 20), (4, 40)):  # frames 0..4 show steps 0, 10, 20, 30, 40
        still = TrajectoriesPanel(**{**panel.state, "frame": frame})
        still._fig.figsize = (6.0, 4.5)
        still._layout = None
        still._render(still._state)
        np.testing.assert_array_equal(captured["i"][index], still.image()[:, :, :3], err_msg=f"frame {index}")


def test_paths_that_coincide_stay_visible_and_the_status_says_so():
    """On the saddle, Adagrad's path lies within 1% of the window of RMSprop's: each optimizer has its own line
    style and head marker (a dotted line over a dash-dotted one shows both), and the status line names the pair."""
    panel = TrajectoriesPanel()
    panel.apply_preset("saddle point")
    assert panel.status == "Adagrad and RMSprop take the same path (one line lies on the other)"
    styles = {(str(p.get_linestyle()), h.get_marker()) for p, h in zip(panel.artists.paths, panel.artists.heads)}
    assert len(styles) == len(panel.artists.paths)
    panel.apply_preset("Beale's function")
    assert "same path" not in panel.status


def test_tune_learning_rates_picks_each_optimizers_best_of_a_log_grid():
    """A fair race on Beale's function: after tuning, most optimizers end lower than with the preset's hand-picked
    learning rates (not all: a hand-picked rate may lie between two of the grid's), and SGD's choice is the best
    mean loss over the last quarter of the steps of its 30 log-spaced rates, each run on its own."""
    from nnlab.core.optim import optimizer_knobs
    from nnlab.topics.trajectories.panel import TUNE_GRID

    panel = TrajectoriesPanel()
    panel.apply_preset("Beale's function + Adam")
    before = panel.result.losses[:, -1, 0].copy()
    panel.act("tune learning rates")
    assert panel.error is None and panel.status.startswith(f"best learning rates of {TUNE_GRID} tried")
    after = panel.result.losses[:, -1, 0]
    assert np.sum(after < before) >= 5, (before, after)
    knob = optimizer_knobs("sgd")["lr"]
    grid = np.unique([float(f"{lr:.3g}") for lr in np.geomspace(knob.low, knob.high, TUNE_GRID)])
    finals = []
    for lr in grid:
        run = run_trajectories("beale", {"sgd": ("sgd", {"lr": lr})}, starts=[1.0, 1.5], steps=500)
        finals.append(run.losses[0, -125:, 0].mean() if run.diverged_at[0, 0] < 0 else np.inf)
    assert panel.state["sgd_lr"] == grid[int(np.nanargmin(finals))]
    with pytest.raises(ValueError, match="action='nope' is not valid; choose one of: tune learning rates"):
        panel.act("nope")


def test_the_tune_button_sits_with_the_presets_and_its_message_reaches_the_status_line():
    panel = TrajectoriesPanel(steps=100, optimizers=["sgd", "adam"])
    box = panel.widget()
    presets = next(child for child in box.children if "nnlab-presets" in child._dom_classes)
    button = next(b for b in presets.children if b.description == "tune learning rates")
    button.click()
    assert panel.error is None
    assert "best learning rates of 30 tried" in panel.ui.status.value


def _path_stats(panel, label):
    k = panel.result.labels.index(label)
    path, loss = panel.result.positions[k, :, 0], panel.result.losses[k, :, 0]
    start = np.array([panel.state["x0"], panel.state["y0"]])
    return path, loss, float(np.max(np.linalg.norm(path - start, axis=1)))


def test_long_valley_reproduces_radfords_description():
    """Radford: SGD gets nowhere; Momentum and NAG oscillate across the valley until they build up velocity;
    Adagrad, RMSprop and Adadelta quickly break symmetry and descend. With PyTorch's eps 1e-6 Adadelta would
    cover 13% of the way (its first steps are ~sqrt(eps)); the preset uses 1e-4."""
    panel = TrajectoriesPanel()
    panel.apply_preset("long valley")
    x0, goal = panel.state["x0"], 10.0
    covered = {label: (_path_stats(panel, label)[0][-1, 0] - x0) / (goal - x0) for label in panel.result.labels}
    assert covered["SGD"] < 0.1
    for label in ("Momentum", "NAG"):
        path = _path_stats(panel, label)[0]
        assert np.sum(np.diff(np.sign(path[:, 1])) != 0) >= 10, label  # crossing the floor again and again
        assert covered[label] > 4 * covered["SGD"], label
    assert covered["Adagrad"] > 0.95 and covered["RMSprop"] > 0.95 and covered["Adadelta"] > 0.8, covered
    panel.set(adadelta_eps=1e-6)
    path = _path_stats(panel, "Adadelta")[0]
    assert (path[-1, 0] - x0) / (goal - x0) < 0.2


def test_beales_function_reproduces_radfords_description():
    """Radford: the velocity methods shoot off and bounce around; Adagrad almost goes unstable (its first step is
    lr in every coordinate, the largest of all); Adadelta and RMSprop handle the large gradients stably."""
    panel = TrajectoriesPanel()
    panel.apply_preset("Beale's function")
    to_minimum = float(np.linalg.norm(np.array([3.0, 0.5]) - [panel.state["x0"], panel.state["y0"]]))
    for label in ("Momentum", "NAG"):
        _, loss, reach = _path_stats(panel, label)
        assert reach > 1.25 * to_minimum, label  # overshoots the minimum
        assert np.mean(np.diff(loss) > 0) >= 0.04, label  # and the loss goes up again and again
    first_steps = {label: float(np.linalg.norm(_path_stats(panel, label)[0][1] - _path_stats(panel, label)[0][0]))
                   for label in panel.result.labels}  # fmt: skip
    assert max(first_steps, key=first_steps.get) == "Adagrad" and first_steps["Adagrad"] > 1.4
    for label in ("Adadelta", "RMSprop"):
        _, loss, reach = _path_stats(panel, label)
        assert np.all(np.diff(loss) <= 0), label  # the loss never rises
        assert reach <= to_minimum, label  # no overshoot


def test_beale_with_adam_reaches_the_minimum():
    panel = TrajectoriesPanel()
    panel.apply_preset("Beale's function + Adam")
    _, loss, _ = _path_stats(panel, "Adam")
    assert loss[-1] < 1e-3 and np.mean(np.diff(loss) > 0) < 0.05  # there, and nearly without a rise


def test_the_optimizer_state_overlay_shows_velocities_and_step_sizes_at_the_current_step():
    panel = TrajectoriesPanel()
    panel.apply_preset("Beale's function + Adam")
    art = panel.artists
    assert not any(a.get_visible() for a in art.overlays())
    panel.set(internals=True, frame=20)
    labels = panel.result.labels
    arrows = {label for label, a in zip(labels, art.arrows) if a.get_visible()}
    ellipses = {label for label, e in zip(labels, art.ellipses) if e.get_visible()}
    assert arrows == {"Momentum", "NAG", "Adam"} and ellipses == {"Adagrad", "Adadelta", "RMSprop", "Adam"}
    k = labels.index("Adam")
    head = panel.result.positions[k, 20, 0]
    velocity = panel.result.internals[k]["velocity"][20, 0]
    np.testing.assert_allclose(np.array(art.arrows[k].get_data()).T, [head, head + 10 * velocity])
    np.testing.assert_allclose(art.ellipses[k].get_center(), head)
    steps = panel.result.internals[k]["step_size"][20, 0]
    assert art.ellipses[k].width / art.ellipses[k].height == pytest.approx(steps[0] / steps[1])
    assert "Adam: velocity" in panel.status and "bias corrections 1.14, 50.5" in panel.status


def test_basins_colour_every_start_by_where_each_optimizer_ends():
    """8 x 8 starts over the window; an outcome per optimizer and start equals a run from that start alone."""
    from nnlab.topics.trajectories.panel import DIVERGED, REACHED, basin_outcomes

    panel = TrajectoriesPanel(view="basins")
    assert panel.error is None
    starts, outcomes = panel.result["starts"], panel.result["outcomes"]
    assert starts.shape == (64, 2) and outcomes.shape == (7, 64)
    from nnlab.core.surfaces import get_surface

    for p in (0, 27, 63):
        alone = run_trajectories("beale", specs(panel.state), starts=starts[p], steps=500)
        np.testing.assert_array_equal(basin_outcomes(alone, get_surface("beale"))[:, 0], outcomes[:, p])
    reached = [int(np.sum(row == REACHED)) for row in outcomes]
    assert panel.status == "reached a minimum from 64 starts: " + ", ".join(
        f"{label} {n}" for label, n in zip(panel.result["labels"], reached)
    )
    assert np.any(outcomes == DIVERGED)  # SGD, Momentum and NAG leave the window from its corners
    colors = panel.artists.dots[0].get_facecolors()
    assert len(colors) == 64
    panel.apply_preset("saddle point")  # a preset keeps the view
    assert panel.state["view"] == "basins" and panel.status.startswith("escaped from 64 starts")


def test_faint_paths_show_each_optimizer_at_the_tuning_grids_neighbouring_rates():
    from nnlab.topics.trajectories.panel import neighbour_factor

    panel = TrajectoriesPanel()
    panel.apply_preset("Beale's function")
    assert not any(g.get_visible() for g in panel.artists.ghosts)
    panel.set(neighbours=True)
    f = neighbour_factor()
    assert f == pytest.approx(10 ** (6 / 29))  # 30 rates log-spaced over 1e-5..10
    k = panel.result.labels.index("Momentum")
    faster = run_trajectories("beale", {"m": ("momentum", {"lr": 5e-3 * f, "momentum": 0.9})}, starts=[1.0, 1.5],
                              steps=500)  # fmt: skip
    np.testing.assert_array_equal(panel.result.neighbours.positions[2 * k + 1], faster.positions[0])
    ghost = panel.artists.ghosts[2 * k + 1]
    assert ghost.get_visible() and ghost.get_alpha() == 0.35
    shown = np.array(ghost.get_data()).T
    finite = faster.positions[0, :, 0][np.isfinite(faster.positions[0, :, 0]).all(axis=1)]
    np.testing.assert_array_equal(shown, finite[: len(shown)])
    assert "faint: each optimizer at its learning rate / 1.61 and x 1.61" in panel.status
