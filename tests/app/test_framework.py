"""The panel framework, through a tiny panel: state, compute/update cycle, errors in the status line, widgets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnlab.app.base import Control, Panel


class LinePanel(Panel):
    """y = a x^p on [0, 1]; p < 0 is refused by check(), a = 13 is a simulated bug."""

    title = "test"
    defaults = {"a": 1.0, "p": 2, "color": "C0", "label": "curve"}
    view_keys = frozenset({"color"})
    controls = (
        Control("a", "a", "float", -2.0, 20.0),
        Control("p", "p", "int", -3, 5),
        Control("color", "color", "choice", options=("C0", "C1")),
        Control("label", "label", "toggle", options=("curve", "line")),
    )
    presets = {"cube": {"p": 3}}

    def __init__(self, **state):
        self.computations = 0
        super().__init__(**state)

    def check(self, state):
        if state["p"] < 0:
            raise ValueError(f"p={state['p']} must be at least 0")

    def compute(self, state):
        self.computations += 1
        if state["a"] == 13:
            raise KeyError("simulated bug")
        x = np.linspace(0, 1, 50)
        return x, state["a"] * x ** state["p"]

    def draw(self, figure, result, state):
        ax = figure.add_subplot()
        (line,) = ax.plot([], [])
        ax.set_xlim(0, 1)
        ax.set_ylim(-3, 21)
        return line

    def update(self, line, result, state):
        line.set_data(*result)
        line.set_color(state["color"])

    def describe(self, result, state):
        return "negative values" if state["a"] < 0 else ""


def test_state_round_trips_through_json():
    panel = LinePanel(a=2.5, p=3)
    again = LinePanel(**json.loads(panel.to_json()))
    assert again.state == panel.state == {"a": 2.5, "p": 3, "color": "C0", "label": "curve", "slides": False}


def test_set_updates_the_artists_in_place():
    panel = LinePanel()
    line = panel.artists
    panel.set(a=3.0)
    assert panel.artists is line
    np.testing.assert_allclose(line.get_ydata()[-1], 3.0)


def test_view_keys_redraw_without_recomputing():
    panel = LinePanel()
    before = panel.computations
    panel.set(color="C1")
    assert panel.computations == before and panel.artists.get_color() == "C1"
    panel.set(a=2.0)
    assert panel.computations == before + 1


def test_bad_settings_show_in_the_status_and_keep_the_last_picture():
    panel = LinePanel(a=2.0)
    picture = panel.image()
    panel.set(p=-1)
    assert panel.error == "p=-1 must be at least 0" and panel.status == panel.error
    assert panel.state["p"] == 2  # a panel never keeps a state it cannot draw: the last good one stays
    np.testing.assert_array_equal(panel.image(), picture)
    panel.set(p=9)  # outside the control's range: refused at the door
    assert panel.error == "p=9 is not valid: p must be an integer from -3 to 5" and panel.state["p"] == 2
    panel.set(p=2)
    assert panel.error is None


def test_a_bug_shows_as_an_internal_error_with_a_reference_and_its_traceback_goes_to_the_log(caplog):
    panel = LinePanel(a=2.0)
    picture = panel.image()
    panel.set(a=13)
    ref = panel.error.split()[2]
    assert panel.error == (f"internal error {ref} (KeyError); not your setting: please report it with this "
                           "reference")  # fmt: skip
    assert panel.state["a"] == 2.0 and np.array_equal(panel.image(), picture)
    logged = [r for r in caplog.records if r.name == "nnlab" and ref in r.getMessage()]
    assert len(logged) == 1 and "Traceback" in logged[0].getMessage() and "simulated bug" in logged[0].getMessage()


def test_a_bad_setting_is_a_setting_error_a_value_error_and_a_type_error():
    from nnlab.core import SettingError

    for bad in ({"p": 9}, {"p": "two"}, {"a": float("nan")}):
        with pytest.raises(SettingError) as raised:
            LinePanel()._validated({**LinePanel.state_defaults(), **bad}, list(bad))
        assert isinstance(raised.value, ValueError) and isinstance(raised.value, TypeError)
        panel = LinePanel()
        panel.set(**bad)
        assert panel.error and not panel.error.startswith("internal error")


def test_a_draw_the_browser_asked_for_that_fails_reaches_the_status_line():
    from nnlab.render.frames import live_canvas

    panel = LinePanel()
    canvas = live_canvas(panel.figure, panel._fig.lock, on_error=panel.draw_failed)
    panel.attach(canvas)

    def broken(renderer):
        raise KeyError("a bug in drawing")

    panel.artists.draw = broken
    canvas._handle_message(canvas, {"type": "draw"}, [])
    assert panel.error.startswith("internal error") and panel.status == panel.error


def test_describe_reports_in_the_status():
    panel = LinePanel()
    panel.set(a=-1.0)
    assert panel.status == "negative values" and panel.error is None


def test_unknown_parameters_are_refused_with_the_list():
    with pytest.raises(
        ValueError, match="LinePanel has no parameter 'b'; its parameters are: slides, a, p, color, label"
    ):
        LinePanel(b=1)
    with pytest.raises(ValueError, match="preset='square'.*cube"):
        LinePanel().apply_preset("square")


def test_save_writes_png_svg_pdf(tmp_path):
    panel = LinePanel()
    for ext in ("png", "svg", "pdf"):
        path = panel.save(tmp_path / f"figure.{ext}")
        assert path.stat().st_size > 1000
    assert (tmp_path / "figure.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="must be .png, .svg or .pdf"):
        panel.save(tmp_path / "figure.jpg")


def test_slides_switch_gives_a_16_by_9_figure_with_larger_text():
    panel = LinePanel()
    small = panel.figure.axes[0].xaxis.get_ticklabels()[0].get_fontsize()
    panel.set(slides=True)
    width, height = panel.figure.get_size_inches()
    assert width / height == pytest.approx(16 / 9, rel=0.01)
    assert panel.figure.axes[0].xaxis.get_ticklabels()[0].get_fontsize() > small


def test_widgets_drive_the_state_and_errors_reach_the_status_line():
    pytest.importorskip("ipympl")
    panel = LinePanel()
    box = panel.widget()
    controls = {key: members[0][1] for key, members in panel.ui.widgets.items()}
    assert set(controls) == {"a", "p", "color", "label"}
    from ipympl.backend_nbagg import Canvas

    assert isinstance(panel.figure.canvas, Canvas)  # the ipympl widget
    controls["a"].value = 4.0
    assert panel.state["a"] == 4.0 and panel.artists.get_ydata()[-1] == pytest.approx(4.0)
    controls["p"].value = -2
    assert "p=-2 must be at least 0" in panel.ui.status.value
    preset_button = next(b for row in box.children[2:] for b in getattr(row, "children", ())
                         if getattr(b, "description", "") == "cube")  # fmt: skip
    preset_button.click()
    assert panel.state["p"] == 3 and controls["p"].value == 3  # widgets follow state changes
    assert panel.error is None and "ready" in panel.ui.status.value


def test_controls_use_continuous_update_as_declared():
    pytest.importorskip("ipywidgets")
    from nnlab.app.widgets import make_widget

    slow = make_widget(Control("n", "n", "int", 1, 10, continuous=False), 3)
    fast = make_widget(Control("x", "x", "log", 1e-3, 1.0), 0.01)
    assert slow.continuous_update is False and fast.continuous_update is True
    assert fast.value == pytest.approx(0.01)


def test_a_float_sliders_readout_shows_every_value_of_its_grid():
    # ipywidgets shows 2 decimals: Adam's beta2 = 0.999 (step 0.001) read "1.00" in the optimizer panel.
    pytest.importorskip("ipywidgets")
    from nnlab.app.widgets import make_widget
    from nnlab.topics import load_all
    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    assert make_widget(Control("b", "beta2", "float", 0.0, 0.9999, step=0.001), 0.999).readout_format == ".3f"
    assert make_widget(Control("p", "keep p", "float", 0.05, 1.0, step=0.05), 0.5).readout_format == ".2f"
    assert make_widget(Control("x", "x", "float", 1.0, 20.0, step=0.5), 3.0).readout_format == ".2f"
    assert make_widget(Control("t", "t", "float", 0.0, 1.0, step=1e-5), 0.5).readout_format == ".5f"
    panel = TrajectoriesPanel()
    panel.widget()
    (beta2,) = [widget for control, widget in panel.ui.widgets["adam_beta2"] if control.kind == "float"]
    assert f"{beta2.value:{beta2.readout_format}}" == "0.999"
    for name, cls in load_all().items():  # every float value of every panel's defaults and presets reads out exactly
        for control in (c for c in cls.state_controls() if c.kind == "float"):
            slider = make_widget(control, cls.state_defaults()[control.name])
            for preset, settings in {"defaults": {}, **cls.presets}.items():
                value = {**cls.state_defaults(), **settings}[control.name]
                assert float(f"{value:{slider.readout_format}}") == pytest.approx(value, abs=1e-12), (name, preset)


def test_the_browsers_draw_requests_wait_for_a_change_in_progress():
    """ipykernel 7 handles the canvas's messages on another thread; they must not draw a half-built figure."""
    pytest.importorskip("ipympl")
    import threading

    panel = LinePanel()
    panel.widget()
    canvas = panel.ui.canvas
    done = threading.Event()

    def browser_asks_for_a_draw():
        canvas._handle_message(canvas, {"type": "draw"}, [])
        done.set()

    with panel._fig.lock:  # a change in progress holds the lock
        thread = threading.Thread(target=browser_asks_for_a_draw)
        thread.start()
        assert not done.wait(0.5)  # the draw request waits
    assert done.wait(30)  # and runs once the change is over
    thread.join()


def test_a_width_report_redraws_once_and_never_leaves_the_figure_wider_than_its_room():
    """The probe reports the output area's width and the window's height in one message (two trait changes);
    the figure is fitted and drawn once. A few pixels more room keep the figure; any less room refits it."""
    pytest.importorskip("ipympl")
    pytest.importorskip("anywidget")
    panel = LinePanel()
    panel.widget()
    probe, fig = panel.ui.probe, panel._fig
    draws = []
    panel.ui.canvas.mpl_connect("draw_event", lambda event: draws.append(fig.figure.get_size_inches() * 100))
    probe.set_state({"width": 1000, "height": 900})  # as the browser sends it
    assert (fig.width_px, fig.height_px) == (994, 702) and len(draws) == 1
    assert np.allclose(draws[-1], (994, 994 * fig.figsize[1] / fig.figsize[0]), atol=1)
    probe.set_state({"width": 1000, "height": 900})
    probe.set_state({"width": 1005, "height": 900})  # 5 px more room: the figure stays
    assert len(draws) == 1
    probe.set_state({"width": 997, "height": 900})  # 3 px less room than the figure was fitted to: refitted
    assert fig.width_px == 991 and len(draws) == 2


def test_every_frame_sent_to_the_browser_is_whole_and_the_figures_own_pixels():
    pytest.importorskip("ipympl")
    import io

    from PIL import Image

    panel = LinePanel()
    panel.widget()
    canvas = panel.ui.canvas
    for a in (1.0, 2.5):  # a change leaves most pixels as they were: still a whole frame
        panel.set(a=a)
        canvas.draw()
        canvas._png_is_old = True
        frame = canvas.get_diff_image()
        assert canvas._image_mode == "full"
        sent = np.asarray(Image.open(io.BytesIO(frame)).convert("RGBA"))
        drawn = np.asarray(canvas.get_renderer().buffer_rgba())
        assert sent.shape == drawn.shape and np.array_equal(sent, drawn)
    assert canvas.get_diff_image() is None  # nothing new to send


def test_a_snapped_echo_of_a_pushed_value_is_ignored_once_and_a_persons_moves_all_count():
    pytest.importorskip("ipympl")
    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    panel = TrajectoriesPanel(steps=30)
    panel.widget()
    slider = next(w for c, w in panel.ui.widgets["sgd_lr"] if type(w).__name__ == "FloatLogSlider")
    panel.set(sgd_lr=0.18)  # pushes 0.18, which is off the slider's grid
    panel.apply_preset("saddle point")  # pushes 0.01, which is on it
    snapped = 10 ** (-5 + 0.05 * round((np.log10(0.18) + 5) / 0.05))  # 0.1778: what the browser sends back
    slider.value = snapped
    assert panel.state["sgd_lr"] == 0.01  # the browser's late snap of 0.18 (0.1778) did not become the state
    slider.value = 0.01  # (a move elsewhere first, so that the next assignment is a change)
    slider.value = snapped  # the same value again: the echo was used up, so this is a person's move
    assert panel.state["sgd_lr"] == pytest.approx(snapped)
    exact = next(w for c, w in panel.ui.widgets["sgd_lr"] if type(w).__name__ == "FloatText")
    assert exact.value == panel.state["sgd_lr"]  # the box shows the state's exact value
    panel.apply_preset("saddle point")  # rmsprop_lr 0.01 is on the grid, but comes back with rounding noise
    rms = next(w for c, w in panel.ui.widgets["rmsprop_lr"] if type(w).__name__ == "FloatLogSlider")
    rms.value = 0.010000000000000002
    assert panel.state["rmsprop_lr"] == 0.01
    for value in (0.8, 0.85, 0.8, 0.85):  # a slider nudged back and forth: every move counts
        panel.ui.widgets["noise"][0][1].value = value
        assert panel.state["noise"] == value


def test_a_persons_move_back_to_a_value_the_kernel_pushed_to_an_integer_slider_counts():
    """An integer slider sends back nothing it was given on its grid, so a move back to a preset's value right
    after the preset (preset p = 3; the lecturer tries 4, then goes back to 3) is the state, not an echo."""
    pytest.importorskip("ipympl")
    panel = LinePanel()
    panel.widget()
    slider = panel.ui.widgets["p"][0][1]
    panel.apply_preset("cube")  # pushes p = 3
    assert slider.value == 3
    for p in (4, 3, 4, 3):
        slider.value = p
        assert panel.state["p"] == p and panel.error is None


def test_a_late_rounding_echo_of_an_on_grid_push_does_not_become_the_state():
    """Seen on a clean-clone CI run: a preset pushed adagrad_lr 1.0 (on the log slider's grid); the browser sent
    it back as 1.000000000000002 after the next presets had set 0.5. (The presets' rates have changed since; the
    same pushes are made with set.)"""
    pytest.importorskip("ipympl")
    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    panel = TrajectoriesPanel(steps=30)
    panel.widget()
    slider = next(w for c, w in panel.ui.widgets["adagrad_lr"] if type(w).__name__ == "FloatLogSlider")
    for lr in (1.0, 0.1, 1.0, 0.5):
        panel.set(adagrad_lr=lr)
    assert panel.state["adagrad_lr"] == 0.5
    slider.value = 1.000000000000002  # the late echo of the push of 1.0
    assert panel.state["adagrad_lr"] == 0.5
    slider.value = 0.5
    slider.value = 1.000000000000002  # 1.0 was pushed twice: the second echo is absorbed too
    assert panel.state["adagrad_lr"] == 0.5
    slider.value = 0.5
    slider.value = 1.000000000000002  # now a person's move
    assert panel.state["adagrad_lr"] == pytest.approx(1.0)


class SlowLinePanel(LinePanel):
    """a >= 19 is estimated to take a minute."""

    def estimate(self, state):
        return 60.0 if state["a"] >= 19 else 0.0


def test_a_newer_setting_or_preset_withdraws_a_costly_one_waiting_for_compute_anyway():
    pytest.importorskip("ipympl")
    panel = SlowLinePanel(a=2.0)
    panel.widget()
    panel.set(a=19.0)
    assert "compute anyway" in panel.error and panel.state["a"] == 2.0
    assert panel.ui.anyway.layout.display == ""
    panel.apply_preset("cube")  # a preset pressed after the refused setting
    assert panel.ui.anyway.layout.display == "none" and panel.error is None
    panel.compute_anyway()  # nothing waits any more: the preset stays
    assert panel.state["a"] == 1.0 and panel.state["p"] == 3
    panel.set(a=19.0)
    panel.set(p=1)  # so does a newer setting
    assert panel.ui.anyway.layout.display == "none"
    panel.compute_anyway()
    assert panel.state == {**panel.state, "a": 1.0, "p": 1}
