"""What every registered panel must do, tested the same way for each (a new panel joins by registering)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnlab.__main__ import main
from nnlab.app.base import PANELS, Control, Panel, View
from nnlab.core.optim import OPTIMIZERS, Optimizer
from nnlab.topics import get_panel_class, load_all

NAMES = sorted(load_all())


@pytest.fixture(scope="module", params=NAMES)
def fresh_by_preset(request):
    """One panel per preset, built fresh from the defaults and that preset."""
    cls = get_panel_class(request.param)
    panels = {}
    for name in cls.presets:
        panel = cls()
        panel.apply_preset(name)
        assert panel.error is None, (request.param, name, panel.error)
        panels[name] = panel
    return cls, panels


def predecessors(presets: list[str]) -> list[tuple[str, str]]:
    """(first, then) pairs in which every preset follows two others: the one before it in the list (the same
    view, often) and the one half the list away (another view, often); every preset also follows itself.
    Every pair of n presets (n^2 renders) took 84 s for one panel; the fuzz suite presses presets in random
    orders besides."""
    n = len(presets)
    offsets = sorted({0, 1, n // 2})
    return [(presets[(i - k) % n], presets[i]) for i in range(n) for k in offsets]


def test_a_preset_gives_the_same_state_and_picture_whatever_was_pressed_before(fresh_by_preset):
    cls, fresh = fresh_by_preset
    panel = cls()
    keeps = cls.preset_keeps | {"slides"}
    pictures: dict[str, np.ndarray] = {}  # each fresh panel's picture, rendered once
    for first, then in predecessors(list(cls.presets)):
        panel.apply_preset(first)
        panel.apply_preset(then)
        expected = {k: v for k, v in fresh[then].state.items() if k not in keeps}
        assert {k: v for k, v in panel.state.items() if k not in keeps} == expected, (first, then)
        if all(panel.state[k] == fresh[then].state[k] for k in keeps):
            if then not in pictures:
                pictures[then] = fresh[then].image()
            np.testing.assert_array_equal(panel.image(), pictures[then], err_msg=f"{first} -> {then}")


@pytest.mark.parametrize("name", NAMES)
def test_state_round_trips_through_json_for_the_defaults_and_every_preset(name):
    cls = get_panel_class(name)
    for preset in [None, *cls.presets]:
        panel = cls()
        if preset:
            panel.apply_preset(preset)
        again = cls(**json.loads(panel.to_json()))
        assert again.state == panel.state and again.error is None


@pytest.mark.parametrize("name", NAMES)
def test_every_control_names_a_state_key_with_a_type(name):
    cls = get_panel_class(name)
    params = cls.state_params()
    assert set(params) == set(cls.state_defaults())
    for control in cls.state_controls():
        assert control.name in params, control
        default = cls.state_defaults()[control.name]
        assert params[control.name].normalize(control.name, default) == default  # the default is valid


# --- a panel defined in a test gets everything by registering --------------------------------------------------
@pytest.fixture
def tiny_panel():
    """A minimal panel, registered for the test and unregistered after it."""

    class SquareView(View):
        keys = ("size",)

        def compute(self, state):
            return state["size"]

        def draw(self, figure, result, state):
            ax = figure.add_subplot()
            ax.set_xlim(0, 10)
            ax.set_ylim(0, 10)
            (line,) = ax.plot([], [], "-o")
            return line

        def update(self, line, result, state):
            upto = state["t"]
            line.set_data(np.arange(upto + 1) * result / 10, np.arange(upto + 1) * result / 10)

    class TinyPanel(Panel, name="tiny-test-panel"):
        title = "tiny"
        views = {"square": SquareView()}
        defaults = {"view": "square", "size": 5.0, "t": 10}
        controls = (
            Control("view", "view", "toggle", options=("square",)),
            Control("size", "size", "float", 1.0, 10.0),
            Control("t", "time", "play", high=10),
        )
        presets = {"big": {"size": 9.0}, "late": {"t": 3}}

    yield TinyPanel
    PANELS.pop("tiny-test-panel", None)


def test_a_panel_registered_in_a_test_gets_controls_presets_status_save_animation_and_export(tmp_path, tiny_panel):
    TinyPanel = tiny_panel
    assert get_panel_class("tiny-test-panel") is TinyPanel
    panel = TinyPanel()
    panel.apply_preset("late")
    panel.apply_preset("big")
    assert panel.state == {"view": "square", "size": 9.0, "t": 10, "slides": False}  # 'late' left nothing behind
    panel.set(size=11.0)
    assert panel.error == "size=11.0 is not valid: size must be a number from 1 to 10" and panel.state["size"] == 9.0
    assert panel.save(tmp_path / "tiny.png").stat().st_size > 1000
    clip = panel.save_animation(tmp_path / "tiny.gif", frames=4, size=(200, 150))
    from PIL import Image

    with Image.open(clip) as gif:
        assert gif.n_frames == 4 and gif.size == (200, 150)
    assert main(["export", "tiny-test-panel", "--preset", "big", "--frames", "3", "-o", str(tmp_path / "t.html")]) == 0
    assert (tmp_path / "t.html").read_text().count("iVBOR") == 3
    pytest.importorskip("ipympl")
    panel.widget()
    assert set(panel.ui.widgets) == {"view", "size", "t"}


def test_an_optimizer_class_added_at_run_time_is_offered_with_its_own_colour_and_controls():
    from nnlab.topics.trajectories.draw import optimizer_colors
    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    class SignSGD(Optimizer):
        """theta -= lr sign(g) (Bernstein et al. 2018)."""

        name, title, knobs = "signsgd", "signSGD", ("shrink",)
        knob_ranges = {"shrink": (0.1, 1.0, False)}

        def __init__(self, params, lr=0.01, shrink=1.0):
            super().__init__(params, lr)
            self.shrink = shrink

        def _update(self, p, g, state):
            p -= self.shrink * self.lr * np.sign(g)

    OPTIMIZERS.register("signsgd", SignSGD)
    try:
        panel = TrajectoriesPanel(optimizers=["sgd", "signsgd"], steps=50)
        assert panel.error is None and panel.state["signsgd_lr"] == 0.01 and panel.state["signsgd_shrink"] == 1.0
        assert [line.get_label() for line in panel.artists.paths] == ["SGD", "signSGD"]
        colors = optimizer_colors()
        assert colors["signsgd"] not in [c for n, c in colors.items() if n != "signsgd"]
        assert panel.artists.paths[1].get_color() == colors["signsgd"]
        start = panel.result.positions[1, 0, 0]
        step = np.abs(panel.result.positions[1, 1, 0] - start)
        np.testing.assert_allclose(step, [0.01, 0.01])  # a sign step of lr in each coordinate
        panel.set(signsgd_shrink=0.5)
        step = np.abs(panel.result.positions[1, 1, 0] - panel.result.positions[1, 0, 0])
        np.testing.assert_allclose(step, [0.005, 0.005])
        controls = {c.name: c for c in TrajectoriesPanel.state_controls()}
        assert controls["signsgd_shrink"].group == "signSGD" and controls["signsgd_lr"].kind == "log"
    finally:
        del OPTIMIZERS["signsgd"]
