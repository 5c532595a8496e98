"""The command line: ``python -m nnlab export``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nnlab.__main__ import main
from nnlab.panels import load_all


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

    from nnlab.panels.losses import LossesPanel

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
