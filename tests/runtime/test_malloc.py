"""glibc's malloc thresholds: set for the lab's kernels and by a live panel, never by ``import nnlab``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnlab.runtime.malloc import MALLOC_ENV, MMAP_THRESHOLD, TRIM_THRESHOLD, malloc_env

ROOT = Path(__file__).resolve().parents[2]
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")

# Counts the process's mallopt calls (ctypes.CDLL is how nnlab reaches it) while importing and using nnlab.
COUNT_MALLOPT = """
import ctypes
calls = []
real = ctypes.CDLL
class Counting:
    def __init__(self, *args, **kwargs):
        self._lib = real(*args, **kwargs)
    def __getattr__(self, name):
        if name == "mallopt":
            calls.append(name)
        return getattr(self._lib, name)
ctypes.CDLL = Counting
import nnlab, nnlab.core, nnlab.topics
from nnlab.topics.activations.panel import ActivationsPanel
panel = ActivationsPanel()
panel.image()
print("before widget", len(calls))
panel.widget()
print("after widget", len(calls))
"""


@linux
def test_import_nnlab_leaves_malloc_alone_and_a_live_panel_tunes_it():
    pytest.importorskip("ipympl")
    env = {k: v for k, v in os.environ.items() if k != "NNLAB_NO_MALLOC_TUNING"}
    out = subprocess.run([sys.executable, "-c", COUNT_MALLOPT], capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "before widget 0" in out.stdout and "after widget 1" in out.stdout


@linux
def test_the_lab_and_binder_give_their_kernels_the_same_thresholds():
    assert MALLOC_ENV == {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD), "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD)}
    assert malloc_env({"PATH": "/bin"}) == {"PATH": "/bin", **MALLOC_ENV}
    assert malloc_env({"NNLAB_NO_MALLOC_TUNING": "1"}) == {"NNLAB_NO_MALLOC_TUNING": "1"}  # the opt-out
    assert malloc_env({"MALLOC_TRIM_THRESHOLD_": "0"})["MALLOC_TRIM_THRESHOLD_"] == "0"  # a user's own setting wins
    start = ROOT / "binder" / "start"
    assert start.stat().st_mode & 0o111, "binder/start must be executable"
    shown = subprocess.run(["bash", str(start), "env"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    exported = dict(line.split("=", 1) for line in shown.stdout.splitlines() if line.startswith("MALLOC_"))
    assert exported == MALLOC_ENV


@linux
def test_nnlab_lab_starts_jupyterlab_with_the_thresholds(tmp_path, monkeypatch):
    import nnlab.__main__ as cli

    started = {}

    def execve(path, args, env):
        started.update(path=path, args=args, env=env)
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execve", execve)
    monkeypatch.delenv("NNLAB_NO_MALLOC_TUNING", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        cli.main(["lab", "--dir", str(tmp_path / "work"), "--no-browser"])
    assert started["args"][1:3] == ["-m", "jupyterlab"] and "--no-browser" in started["args"]
    assert {k: started["env"][k] for k in MALLOC_ENV} == MALLOC_ENV
