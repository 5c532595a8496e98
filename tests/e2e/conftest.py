"""Real-browser tests: JupyterLab (and Voila) on 127.0.0.1, driven in Debian's Chromium by Playwright.

Skipped, with the reason, where Chromium (``apt-get install chromium``) or Playwright is missing;
``.ci/run`` installs both. Each server is started by the fixture that needs it, listens on
127.0.0.1 with a random token, serves a temporary copy of the notebooks, and is stopped by it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NNLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.e2e


def _requirements() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (it is in the test extra)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class Server:
    """A Jupyter server process in its own process group, stopped with the group."""

    def __init__(
        self, cmd: list[str], url: str, status_url: str, log: Path, cwd: Path, env: dict[str, str] | None = None
    ) -> None:
        self.url = url
        self.log = log
        self._log_file = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(cmd, cwd=cwd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                        start_new_session=True, env=env)  # fmt: skip
        try:
            wait_for(status_url)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"server did not start; its log:\n{log.read_text()[-3000:]}") from None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel the server runs (Jupyter's REST API), so that the kernels of finished tests do
        not pile up: each holds the panels' data and caches, up to 1.6 GB for the initialization explorer."""
        token = getattr(self, "token", None)
        if token is None or self.process.poll() is not None:
            return
        headers = {"Authorization": f"token {token}"}
        with urllib.request.urlopen(urllib.request.Request(f"{self.url}/api/kernels", headers=headers)) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(f"{self.url}/api/kernels/{kernel['id']}", method="DELETE", headers=headers)
            with urllib.request.urlopen(request, timeout=30):
                pass

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log_file.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def notebook_copy(tmp: Path) -> Path:
    """The notebooks in a fresh folder, so that running them never touches the repository."""
    target = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", target, ignore=shutil.ignore_patterns("build.py", ".ipynb_checkpoints"))
    return target


def start_lab(python: str | Path, tmp: Path, own_matplotlib_cache: bool = False, serve_above: bool = False) -> Server:
    """JupyterLab of the environment of ``python`` on 127.0.0.1, with a random token, over a copy of the notebooks.

    Fresh workspace and settings folders; the news and extension-manager requests are turned off
    (this machine has no internet and they would only log errors). ``own_matplotlib_cache`` gives a
    temporary environment its own matplotlib cache: the shared one would otherwise list that
    environment's fonts, which vanish with it and make every other environment warn "findfont".
    ``serve_above`` serves ``tmp`` with the notebooks in ``tmp/notebooks``, as ``nnlab lab`` serves the folder above
    its working copy (RISE needs a notebook below the root to find its style sheets).
    """
    root = notebook_copy(tmp).parent if serve_above else notebook_copy(tmp)
    settings = tmp / "settings"
    for plugin, value in (("apputils-extension/notification", {"checkForUpdates": False, "fetchNews": "false"}),
                          ("extensionmanager-extension/plugin", {"enabled": False})):  # fmt: skip
        folder, name = plugin.split("/")
        (settings / "@jupyterlab" / folder).mkdir(parents=True, exist_ok=True)
        (settings / "@jupyterlab" / folder / f"{name}.jupyterlab-settings").write_text(json.dumps(value))
    port, token = free_port(), secrets.token_hex(16)
    cmd = [str(python), "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip", "127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.workspaces_dir={tmp / 'workspaces'}", f"--LabApp.user_settings_dir={settings}"]  # fmt: skip
    env = {**os.environ, "MPLCONFIGDIR": str(tmp / "mplconfig")} if own_matplotlib_cache else None
    server = Server(cmd, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/api/status?token={token}",
                    tmp / "lab.log", tmp, env)  # fmt: skip
    server.token = token
    return server


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium) -> Iterator[Server]:
    server = start_lab(sys.executable, tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _kernels_end_with_their_test(request) -> Iterator[None]:
    """After a test that used a shared JupyterLab (its page already closed), its kernels are shut down."""
    servers = [request.getfixturevalue(name) for name in ("lab", "slides_lab") if name in request.fixturenames]
    yield
    for server in servers:
        server.shutdown_kernels()
