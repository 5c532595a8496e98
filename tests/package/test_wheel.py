"""The package a student installs: ``python -m build`` makes a wheel and an sdist that ``twine check`` passes;
the wheel, installed (not editable) into a fresh virtual environment, has the ``nnlab`` command, carries the
lecture notebooks, copies them, exports a panel, and its copied notebooks run headless. About a minute and a
half (pip's cache makes reruns faster)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import tomllib

import nnlab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
NAME = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]

pytestmark = pytest.mark.binder


def run(cmd: list, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the venv's own packages, not a checkout's
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The wheel and the sdist, built from a clean copy of the repository."""
    pytest.importorskip("build")
    tmp = tmp_path_factory.mktemp("dist")
    repo = tmp / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build",
                                                              "dist", ".pytest_cache", ".ruff_cache"))  # fmt: skip
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", tmp / "out", "."], repo)
    (wheel,) = (tmp / "out").glob("*.whl")
    (sdist,) = (tmp / "out").glob("*.tar.gz")
    return wheel, sdist


def test_the_wheel_and_sdist_are_named_and_versioned_from_one_place_and_pass_twine(dist):
    wheel, sdist = dist
    stem = NAME.replace("-", "_")
    assert wheel.name.startswith(f"{stem}-{nnlab.__version__}-") and sdist.name == f"{stem}-{nnlab.__version__}.tar.gz"
    pytest.importorskip("twine")
    out = run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], ROOT)
    assert out.count("PASSED") == 2, out
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted(Path(n).name for n in names if n.startswith("nnlab/notebooks/") and n.endswith(".ipynb")) == NOTEBOOKS
    styles = sorted(Path(n).name for n in names if n.startswith("nnlab/notebooks/") and n.endswith(".css"))
    assert styles == sorted(["rise.css", *(Path(n).with_suffix(".css").name for n in NOTEBOOKS)])  # the slideshows'
    assert any(n.endswith("entry_points.txt") for n in names)


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the machine's Python 3.11, as CI and Binder")
def test_the_installed_wheel_copies_the_notebooks_exports_and_runs_them_headless(dist, tmp_path):
    wheel, _ = dist
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    bin_ = env / "bin"
    run([bin_ / "python", "-m", "pip", "install", "-q", wheel, "nbclient", "ipykernel", "scikit-learn"], tmp_path)
    assert "usage: nnlab lab" in run([bin_ / "nnlab", "lab", "--help"], tmp_path)
    # the package is the installed one, not this clone
    where = run([bin_ / "python", "-c", "import nnlab, nnlab.notebooks; print(nnlab.__file__)"], tmp_path)
    assert str(env) in where and str(ROOT) not in where
    work = tmp_path / "work"
    out = run([bin_ / "nnlab", "lab", "--copy-only", "--dir", work], tmp_path)
    assert f"({len(NOTEBOOKS)} copied)" in out and sorted(p.name for p in work.glob("*.ipynb")) == NOTEBOOKS
    assert (work / "rise.css").exists() and (work / "10_optimizers.css").exists()  # RISE looks for them there
    (work / "00_index.ipynb").write_text("a student's edit")
    assert "(0 copied)" in run([bin_ / "nnlab", "lab", "--copy-only", "--dir", work], tmp_path)
    assert (work / "00_index.ipynb").read_text() == "a student's edit"
    run([bin_ / "nnlab", "lab", "--copy-only", "--refresh", "--dir", work], tmp_path)
    png = tmp_path / "svm.png"
    run([bin_ / "nnlab", "export", "losses", "--preset", "CS231n: cat 3.2, car 5.1, frog -1.7", "-o", png], tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    script = (
        "import sys, nbformat, nbclient\n"
        "for path in sys.argv[1:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': "
        "str(__import__('pathlib').Path(path).parent)}}).execute()\n"
        "    errors = [o for c in nb.cells for o in c.get('outputs', []) if o.get('output_type') == 'error']\n"
        "    assert not errors, (path, errors)\n"
        "    print('ran', path)\n"
    )
    out = run([bin_ / "python", "-c", script, *sorted(work.glob("*.ipynb"))], work)
    assert out.count("ran ") == len(NOTEBOOKS)
