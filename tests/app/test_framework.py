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
        Control("a", "a", "float", -2.0, 20.0, step=0.5),
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
    preset_button = next(b for row in box.children[1:] for b in getattr(row, "children", ())
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


def test_a_slider_offers_its_grid_and_every_presets_value_and_reads_each_out_exactly():
    # ipywidgets' float sliders showed 2 decimals (Adam's beta2 = 0.999 read "1.00") and snapped a preset's 0.18
    # on a log slider to 0.1778; a slider over a list of values shows and keeps each exactly.
    pytest.importorskip("ipywidgets")
    from nnlab.app import sliders
    from nnlab.app.widgets import make_widget
    from nnlab.topics import load_all

    assert sliders.grid(Control("b", "beta2", "float", 0.5, 0.9999, step=0.001))[-2:] == [0.998, 0.999]
    assert sliders.grid(Control("x", "lr", "log", 1e-3, 1.0))[:5] == [0.001, 0.00112, 0.00126, 0.00141, 0.00158]
    assert len(sliders.grid(Control("x", "lr", "log", 1e-3, 1.0))) == 61  # 20 per decade, both ends
    assert sliders.grid(Control("w", "width", "int", 16, 2048, step=16))[:3] == [16, 32, 48]
    labels = [sliders.label(v) for v in (0.999, 1e-05, 2000, 0.18, -19.95)]
    assert labels == ["0.999", "1e-05", "2000", "0.18", "-19.95"]
    for name, cls in load_all().items():  # every value of every panel's defaults and presets is offered and read out
        for control in (c for c in cls.state_controls() if c.kind in sliders.SLIDER_KINDS):
            values = [settings[control.name] for settings in cls.presets.values() if control.name in settings]
            slider = make_widget(control, cls.state_defaults()[control.name], extra=tuple(values))
            offered = dict((v, text) for text, v in slider.options)
            for value in values:
                assert float(offered[value]) == pytest.approx(value, rel=1e-5), (name, control.name, value)
            assert all(control.low <= v <= control.high for v in offered), (name, control.name)


def test_a_value_the_kernel_pushes_is_shown_exactly_and_a_persons_picks_all_count():
    """The browser sends the index of the value picked; a push reaches it as options and index in one message."""
    pytest.importorskip("ipympl")
    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    panel = TrajectoriesPanel(steps=30)
    panel.widget()
    slider, exact = (w for c, w in panel.ui.widgets["sgd_lr"])
    sent = []
    slider.comm.send = lambda *args, **kwargs: sent.append(kwargs.get("data") or args[0])
    panel.set(sgd_lr=0.18)  # off the slider's grid: added to its options
    assert slider.value == 0.18 and exact.value == 0.18
    assert len(sent) == 1 and sent[0]["state"]["index"] == slider.index
    assert slider.options[slider.index - 1 : slider.index + 2] == (("0.178", 0.178), ("0.18", 0.18), ("0.2", 0.2))
    panel.apply_preset("saddle point")
    for index in (slider.index + 1, slider.index, slider.index + 1):  # a person nudges it back and forth
        slider.set_state({"index": index})  # as the browser sends it
        assert panel.state["sgd_lr"] == slider.options[index][1] and panel.error is None
    noise = panel.ui.widgets["noise"][0][1]
    for value in (0.8, 0.85, 0.8, 0.85):
        noise.value = value
        assert panel.state["noise"] == value


def test_a_slider_whose_upper_bound_follows_another_setting_offers_only_the_values_allowed():
    pytest.importorskip("ipympl")
    from nnlab.topics.activations.panel import ActivationsPanel

    panel = ActivationsPanel()
    panel.widget()
    slider = panel.ui.widgets["layer"][0][1]
    panel.set(layers=4, layer=3)
    assert [v for _text, v in slider.options] == [1, 2, 3, 4] and slider.value == 3
    panel.set(layers=8)
    assert [v for _text, v in slider.options] == [*range(1, 9)] and slider.value == 3


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
    assert (fig.width_px, fig.height_px) == (994, 540) and len(draws) == 1
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


def test_a_persons_move_back_to_a_value_the_kernel_pushed_to_an_integer_slider_counts():
    """A move back to a preset's value right after the preset (preset p = 3; the lecturer tries 4, then goes back
    to 3) is the state."""
    pytest.importorskip("ipympl")
    panel = LinePanel()
    panel.widget()
    slider = panel.ui.widgets["p"][0][1]
    panel.apply_preset("cube")  # pushes p = 3
    assert slider.value == 3
    for p in (4, 3, 4, 3):
        slider.value = p
        assert panel.state["p"] == p and panel.error is None


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
