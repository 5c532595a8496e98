"""The command line: ``python -m nnlab export``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nnlab.__main__ import main
from nnlab.topics import load_all


def test_export_writes_a_still_and_an_animation(tmp_path, capsys):
    assert main(["export", "initialization", "--set", "width=64", "--set", "activation=relu",
                 "-o", str(tmp_path / "init.svg")]) == 0  # fmt: skip
    assert (tmp_path / "init.svg").read_text().lstrip().startswith("<?xml")
    assert main(["export", "trajectories", "--preset", "saddle point", "--frames", "5", "--size", "300x200",
                 "-o", str(tmp_path / "saddle.gif")]) == 0  # fmt: skip
    assert (tmp_path / "saddle.gif").read_bytes()[:3] == b"GIF"
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["export", "nope", "-o", "x.png"],
            f"panel='nope' is not valid; choose one of: {', '.join(sorted(load_all()))}",
        ),
        (["export", "trajectories", "--set", "surface=moon", "-o", "x.png"], "surface='moon' is not valid"),
        (["export", "initialization", "-o", "x.gif"], "InitializationPanel has no animation"),
        (["export", "trajectories", "-o", "/no/such/folder/x.png"], "the folder /no/such/folder does not exist"),
        (["export", "trajectories", "-o", "."], "that is a folder"),
        (["export", "trajectories", "-o", "README.md/x.png"], "README.md is a file, not a folder"),
        (["export", "trajectories", "--fps", "0", "-o", "x.gif"], "fps=0.0 is outside the allowed range"),
        (["export", "trajectories", "--fps", "-3", "-o", "x.gif"], "fps=-3.0 is outside the allowed range"),
        (["export", "trajectories", "--fps", "1e-300", "-o", "x.gif"], "fps=1e-300 is outside the allowed range [0.1,"),
        (["export", "trajectories", "--fps", "inf", "-o", "x.gif"], "fps must be finite, got inf"),
        (["export", "trajectories", "-o", "x.docx"], "TrajectoriesPanel writes .png, .svg, .pdf, .gif, .mp4, .html"),
        (["export", "dropout", "-o", "x.docx"], "DropoutPanel writes .png, .svg, .pdf; the extension says which"),
        (["export", "trajectories", "--size", "100000x100000", "-o", "x.gif"], "size=100000x100000 is outside"),
        (["export", "trajectories", "--size", "big", "-o", "x.gif"], "--size 'big': give WIDTHxHEIGHT"),
        (["export", "dropout", "--animate", "frame", "-o", "x.gif"], "DropoutPanel has no 'play' control for 'frame'"),
        (["export", "trajectories", "--set", "colour=red", "-o", "x.png"], "has no parameter 'colour'"),
        (["export", "losses", "--sweep", "colour=1,2", "-o", "x.html"], "--sweep colour: the panel has no such"),
        (["export", "losses", "--sweep", "delta=1,99", "-o", "x.html"], "delta=99 is not valid: delta must be"),
        (["export", "losses", "--sweep", "delta=1,2", "-o", "x.png"], "a sweep page's extension must be .html"),
        (
            [
                "export",
                "losses",
                "--sweep",
                f"delta={','.join(['1'] * 21)}",
                "--sweep",
                f"score_car={','.join(['1'] * 20)}",
                "-o",
                "x.html",
            ],
            "the sweeps make 420 pictures; at most 400",
        ),  # fmt: skip
        (["export", "dropout", "--sweep", "preset=nope", "-o", "x.html"], "--sweep preset: 'nope' is not a preset"),
        (["export", "--notebook", "05_dropout", "dropout", "-o", "x.html"], "--notebook exports the panels as its"),
        (["export", "--notebook", "00_index", "-o", "x.html"], "--notebook 00_index.ipynb: no cell declares a panel"),
        (["export", "--notebook", "99_nope", "-o", "x.html"], "--notebook 99_nope: no such file, and no lecture"),
        (["export", "--notebook", "05_dropout", "-o", "x.png"], "a notebook page's extension must be .html"),
        (["export", "-o", "x.png"], "name a panel (initialization, trajectories, ...) or give --notebook"),
    ],
)
def test_export_errors_are_one_line_messages(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_sweep_page_holds_a_picture_per_combination_and_its_controls(tmp_path, capsys):
    import base64
    import io
    import json
    import re

    import numpy as np
    from PIL import Image

    from nnlab.topics.losses.panel import LossesPanel

    page = tmp_path / "svm.html"
    assert main(["export", "losses", "--sweep", "score_car=0,3,6", "--sweep", 'hinge=["hinge", "squared hinge"]',
                 "-o", str(page)]) == 0  # fmt: skip
    assert "6 pictures" in capsys.readouterr().out
    html = page.read_text()
    assert json.loads(re.search(r"const keys = (.*);", html).group(1)) == ["score_car", "hinge"]
    assert json.loads(re.search(r"const values = (.*);", html).group(1)) == [[0.0, 3.0, 6.0],
                                                                              ["hinge", "squared hinge"]]  # fmt: skip
    frames = json.loads(re.search(r"const frames = (.*);", html).group(1))
    assert len(frames) == 6 and "http" not in html.replace("http-equiv", "")  # nothing fetched from anywhere
    # picture 3 is score_car=3, squared hinge (the last key varies fastest): it looks like that state's render
    shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(frames[3]))).convert("RGB")).astype(float)
    expected = LossesPanel(score_car=3.0, hinge="squared hinge").image()[:, :, :3].astype(float)
    other = LossesPanel(score_car=6.0, hinge="hinge").image()[:, :, :3].astype(float)
    assert np.abs(shown - expected).mean() < 2.0 < np.abs(shown - other).mean()  # a palette PNG: nearly equal


def test_module_runs_as_a_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "nnlab", "export", "trajectories", "--set", "steps=20",
                          "-o", str(tmp_path / "t.png")], capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "t.png").stat().st_size > 10_000


def page_data(html: str, name: str) -> object:
    import json
    import re

    return json.loads(re.search(rf"const {name} = (.*);", html).group(1))


def test_a_preset_sweep_starts_each_picture_from_its_preset_and_an_animated_key_gets_a_player(tmp_path, capsys):
    import base64
    import io

    import numpy as np
    from PIL import Image

    from nnlab.topics.trajectories.panel import TrajectoriesPanel

    page = tmp_path / "paths.html"
    assert main(["export", "trajectories", "--sweep", "frame=[0,100]", "--sweep", "preset=[\"saddle point\", "
                 "\"long valley\"]", "-o", str(page)]) == 0  # fmt: skip
    html = page.read_text()
    assert page_data(html, "keys") == ["preset", "frame"]  # the preset first: it varies slowest
    assert page_data(html, "players") == ["frame"]  # the panel animates frame: a play button steps through it
    assert page_data(html, "labels") == ["preset", "step"]  # the controls' own labels
    frames = page_data(html, "frames")
    assert len(frames) == 4 and "4 pictures" in capsys.readouterr().out
    shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(frames[3]))).convert("RGB")).astype(float)
    panel = TrajectoriesPanel()
    panel.apply_preset("long valley")
    panel.set(frame=100)
    other = TrajectoriesPanel()
    other.apply_preset("saddle point")
    other.set(frame=100)
    expected, wrong = (p.image()[:, :, :3].astype(float) for p in (panel, other))
    assert np.abs(shown - expected).mean() < 2.0 < np.abs(shown - wrong).mean()
    assert page_data(html, "statuses")[3] == panel.status


def test_a_notebook_page_has_its_text_and_each_panel_swept_as_its_cell_declares(tmp_path, capsys):
    import html as markup
    import re

    import nbformat

    from nnlab.__main__ import find_notebook
    from nnlab.topics.dropout.panel import DropoutPanel

    out = tmp_path / "dropout.html"
    assert main(["export", "--notebook", "05_dropout", "-o", str(out)]) == 0
    notebook = nbformat.read(find_notebook("05_dropout"), as_version=4)
    (cell,) = [c for c in notebook.cells if "nnlab" in c.metadata]
    assert cell.metadata["nnlab"] == {"panel": "dropout", "sweep": {"preset": ["all"]}}
    pictures = len(DropoutPanel.presets)
    assert f"{pictures} pictures" in capsys.readouterr().out
    text = out.read_text()
    assert "<h1" in text and "Dropout" in text and "Try this" in text  # the notebook's text
    assert "<title>nnlab: Dropout</title>" in text  # the browser's tab names the lecture
    assert "In&nbsp;[" not in text and "jp-InputPrompt jp-InputArea-prompt" not in text  # no empty "In [ ]:"
    assert "DropoutPanel()" in re.sub(r"<[^>]+>", "", text)  # and its code
    (frame,) = re.findall(r"<iframe [^>]*srcdoc=(\"[^\"]*\"|'[^']*')", text)  # nbconvert may requote it
    inner = markup.unescape(frame[1:-1])
    assert page_data(inner, "values") == [list(DropoutPanel.presets)]
    assert len(page_data(inner, "frames")) == pictures
    # nothing to fetch: no script or stylesheet from a server (nbconvert's require.js and MathJax left out)
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", text)
