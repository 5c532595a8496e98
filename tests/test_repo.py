"""The repository keeps its promises: the README's two commands, CI running the second, clean style."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnlab.__main__ import lab_command, notebooks_folder

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebooks_folder()


def readme_commands() -> list[str]:
    """The commands of the README's first block, which must come right after the title."""
    title, body = (ROOT / "README.md").read_text().split("\n", 1)
    assert title.startswith("# ")
    block = re.match(r"\s*```bash\n(.*?)```", body, re.S)
    assert block, "the README must open with a bash block of commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands_lab_then_tests():
    lab, tests = readme_commands()
    assert "pip install" in lab and "[lab]" in lab and "nnlab lab" in lab
    assert "pip install" in tests and "[test]" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = readme_commands()
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_package_lists_every_package_and_ships_the_notebooks():
    """pyproject.toml names nnlab's packages one by one (to map nnlab.notebooks onto notebooks/): none left out."""
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "nnlab").rglob("__init__.py")}
    assert set(setuptools["packages"]) == found | {"nnlab.notebooks"}
    assert setuptools["package-dir"] == {"nnlab.notebooks": "notebooks"}
    assert NOTEBOOKS == ROOT / "notebooks"  # in a clone, the package's notebooks are the clone's


def test_lab_works_on_a_copy_that_keeps_a_students_edits(tmp_path):
    from nnlab.__main__ import copy_notebooks

    work = tmp_path / "work"
    first = copy_notebooks(NOTEBOOKS, work)
    assert {p.name for p in first} == {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    (work / "00_index.ipynb").write_text("edited")
    assert copy_notebooks(NOTEBOOKS, work) == [] and (work / "00_index.ipynb").read_text() == "edited"
    copy_notebooks(NOTEBOOKS, work, refresh=True)
    assert (work / "00_index.ipynb").read_bytes() == (NOTEBOOKS / "00_index.ipynb").read_bytes()


def test_lab_command_opens_the_index_one_folder_down():
    cmd = lab_command(ROOT / "notebooks", ["--no-browser"])
    assert cmd[1:3] == ["-m", "jupyterlab"]  # the interpreter's own JupyterLab, whatever PATH says
    # The folder above the notebooks is served (RISE finds rise.css beside a notebook only below the root).
    assert f"--ServerApp.root_dir={ROOT}" in cmd
    assert "--LabApp.default_url=/lab/tree/notebooks/00_index.ipynb" in cmd and cmd[-1] == "--no-browser"
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    assert (NOTEBOOKS / "00_index.ipynb").is_file()


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(args):
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the test extra)")
    result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
