"""Binder, simulated as closely as this machine allows (no Docker here).

repo2docker builds from ``binder/`` alone: Python from ``runtime.txt``, its base environment
(JupyterLab, notebook, ipywidgets, ipykernel), then ``requirements.txt``, then ``postBuild``
from the repository root. This test does the same in a fresh virtual environment with the
base pins of repo2docker's October 2025 environment, checks that the widget and ipympl
JupyterLab extensions are installed and enabled, and executes every notebook there.
Takes about a minute (pip's cache makes reruns faster).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = ["jupyterlab==4.4.9", "notebook==7.4.7", "ipywidgets==8.1.7", "ipykernel"]

pytestmark = pytest.mark.binder


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout + result.stderr


def test_binder_folder_is_complete():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{sys.version_info[0]}.11"
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert (ROOT / "binder" / "postBuild").read_text().startswith("#!/bin/bash\n")
    assert "set -e" in (ROOT / "binder" / "postBuild").read_text()
    assert not (ROOT / "binder" / "environment.yml").exists()  # it would hide requirements.txt
    readme = (ROOT / "README.md").read_text()
    import tomllib

    source = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
    owner_repo = source.removeprefix("https://github.com/").rstrip("/")
    badge = f"https://mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/notebooks/00_index.ipynb"
    assert f"]({badge})" in readme  # the badge points at the repository pyproject.toml names


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="binder/runtime.txt asks for Python 3.11")
def test_binder_build_runs_every_notebook(tmp_path):
    repo = tmp_path / "repo"  # a clean copy, as repo2docker clones the repository
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build",
                                                              ".pytest_cache", ".ruff_cache"))  # fmt: skip
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", *BASE], repo)
    run([python, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], repo)
    run(["bash", "-c", f"PATH={env_dir / 'bin'}:$PATH binder/postBuild"], repo)  # with the env's python first
    extensions = run([env_dir / "bin" / "jupyter", "labextension", "list"], repo)
    for name in ("jupyter-matplotlib", "@jupyter-widgets/jupyterlab-manager"):
        line = next((ln for ln in extensions.splitlines() if name in ln), "")
        assert "enabled" in line and "OK" in line, extensions
    run([python, "-m", "pip", "install", "-q", "nbclient"], repo)  # the test's own harness, not Binder's
    script = (
        "import sys, nbformat, nbclient\n"
        "for path in sys.argv[1:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    nbclient.NotebookClient(nb, timeout=180, kernel_name='python3',\n"
        "                            resources={'metadata': {'path': 'notebooks'}}).execute()\n"
        "    errors = [o for c in nb.cells for o in c.get('outputs', []) if o.output_type == 'error']\n"
        "    assert not errors, (path, errors)\n"
        "    print('ran', path)\n"
    )
    notebooks = sorted(str(p.relative_to(repo)) for p in (repo / "notebooks").glob("*.ipynb"))
    # Its own matplotlib cache: the shared ~/.cache/matplotlib would otherwise list this venv's fonts,
    # which disappear with it and then make every other environment warn "findfont: ... not found".
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mplconfig")}
    out = run([python, "-c", script, *notebooks], repo, env)
    assert out.count("ran notebooks/") == len(notebooks) >= 3
    run([python, "-c", "import nnlab, ipywidgets; assert ipywidgets.__version__ == '8.1.9'"], tmp_path, env)
