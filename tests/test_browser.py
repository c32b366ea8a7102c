"""JupyterLab in a real browser: every notebook runs clean in Debian's Chromium (Playwright).

One JupyterLab server (the project's venv, 127.0.0.1, a free port, a random token) and one Chromium
(fresh user data dir) serve every test in this module. The server's root is a temporary copy of
``notebooks/`` with every other top-level folder of the project linked beside it, so relative paths
(``../seeds/...``) resolve as in the repo while the committed notebooks cannot be touched (autosave
is off as well). Screenshots go to ``reports/screenshots/`` (git-ignored).

When ``CI`` or ``ARTICLE_TONE_REQUIRE_BROWSER`` is set, a browser test that cannot run fails;
elsewhere it skips and says why.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from article_tone.config import NOTEBOOKS, REPORTS, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPORTS / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 12_000
SERVER_START_TIMEOUT = 90  # s; a cold JupyterLab on a busy 2-core machine takes ~5-15 s
NOTEBOOK_RUN_TIMEOUT = 180  # s per notebook
TABS = int(os.environ.get("ARTICLE_TONE_BROWSER_TABS", "2"))
"""Notebooks run at once, each in its own tab and kernel (2 cores: 2 tabs)."""
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))

# JupyterLab user settings for the test server (a fresh settings dir, so nothing leaks in or out).
LAB_SETTINGS = {
    # No "would you like news?" toast, no update check (both would also try to reach the network).
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Every cell in the DOM (JupyterLab 4 virtualises long notebooks): images can be counted.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # The browser never writes a notebook back.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


def browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("ARTICLE_TONE_REQUIRE_BROWSER"))


def cannot_run(reason: str):
    """Skip with ``reason``; fail instead when the browser test is required (CI)."""
    if browser_required():
        pytest.fail("the browser test is required here (CI or ARTICLE_TONE_REQUIRE_BROWSER is "
                    f"set) but cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser test cannot run: {reason}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():  # runs in the child between fork and exec
    """Ask Linux to SIGTERM the server if pytest itself dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # pragma: no cover - not Linux
        pass


def _processes_mentioning(marker: str) -> list:
    """Live processes whose command line mentions ``marker`` (our temp dir), other than us."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.pid != os.getpid() and marker in " ".join(proc.info["cmdline"] or ()):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _terminate(procs, timeout: float = 10.0) -> list:
    """SIGTERM ``procs``, wait, SIGKILL what is left; return the ones that were still alive."""
    import psutil

    procs = [p for p in procs if p.is_running()]
    for p in procs:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)
    return alive


class JupyterLab:
    """A JupyterLab server from this venv, on 127.0.0.1, stopped by its PID."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.root = workdir / ROOT.name
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "jupyterlab.log"

    # -- the served tree: notebooks copied, everything else linked -------------------------------
    def lay_out(self) -> None:
        self.root.mkdir(parents=True)
        for entry in ROOT.iterdir():
            if entry.name in {"notebooks", ".git", ".venv"}:
                continue
            (self.root / entry.name).symlink_to(entry)
        shutil.copytree(NOTEBOOKS, self.root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.served = {p.name: p.read_bytes() for p in (self.root / "notebooks").glob("*.ipynb")}
        if (ROOT.parent / "shared").exists():  # notebooks may say ../../shared/...
            (self.workdir / "shared").symlink_to(ROOT.parent / "shared")
        for plugin, values in LAB_SETTINGS.items():
            path = self.workdir / "lab-settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        config = self.workdir / "jupyter-config"
        config.mkdir()
        (config / "jupyter_server_config.json").write_text(json.dumps({
            "LabApp": {"news_url": None,
                       "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
        }))

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "JUPYTER_CONFIG_DIR": str(self.workdir / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(self.workdir / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.workdir / "lab-workspaces"),
            "IPYTHONDIR": str(self.workdir / "ipython"),
            "PYTHONHASHSEED": "0",
        })
        return env

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.open_browser=False",
               # window.jupyterapp, as in JupyterLab's own Playwright tests (Galata): the DOM
               # renders an error like stderr, the notebook model tells them apart.
               "--LabApp.expose_app_in_browser=True"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self) -> None:
        self.lay_out()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.command(), cwd=self.root, env=self.env(), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n"
                           + self.log_tail())

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_session(self, path: str) -> None:
        """Shut down the kernel of the notebook at ``path`` (its session), if it has one."""
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == path:
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def shutdown_kernels(self) -> None:
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> list:
        """Stop the server by its PID (kernels first, through the API); kill any straggler.

        Returns the processes that had to be SIGKILLed (none when all went well).
        """
        import psutil

        if self.proc is None:
            return []
        marker = str(self.workdir)  # kernels' command lines name the runtime dir under it
        if self.proc.poll() is None:
            try:
                self.shutdown_kernels()
            except Exception:
                pass  # the server may already be gone; the sweep below catches the kernels
            try:
                tree = [psutil.Process(self.proc.pid)]
                tree += tree[0].children(recursive=True)
            except psutil.NoSuchProcess:
                tree = []
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            stragglers = _terminate(tree)
        else:
            stragglers = []
        stragglers += _terminate(_processes_mentioning(marker))
        return stragglers


def _check_can_run() -> None:
    if not NOTEBOOK_PATHS:
        pytest.skip(f"no notebooks in {NOTEBOOKS}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        cannot_run(f"Playwright for Python is not installed ({exc}): "
                   "pip install -r requirements.txt")
    if not CHROMIUM.exists():
        cannot_run(f"{CHROMIUM} is absent: apt-get install -y chromium "
                   "(never `playwright install`)")
    try:
        import jupyterlab  # noqa: F401
    except ImportError as exc:
        cannot_run(f"JupyterLab is not installed in {sys.prefix} ({exc})")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _check_can_run()
    server = JupyterLab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
    except Exception as exc:
        server.stop()
        cannot_run(f"JupyterLab did not start: {exc}")
    try:
        yield server
    finally:
        stragglers = server.stop()
        left = _processes_mentioning(str(server.workdir))
        assert not left, f"processes left behind: {[p.info['cmdline'] for p in left]}"
        assert server.proc.poll() is not None, "JupyterLab is still running"
        assert not stragglers, ("these did not stop on SIGTERM and were killed: "
                                f"{[p.pid for p in stragglers]}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Debian Chromium with a fresh profile, driven by Playwright (never downloaded)."""
    _check_can_run()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    user_data = tmp_path_factory.mktemp("chromium-profile")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            str(user_data), executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True,
            viewport=VIEWPORT, device_scale_factor=1, timezone_id="UTC", locale="en-US")
    except PlaywrightError as exc:
        pw.stop()
        cannot_run(f"Chromium did not start: {str(exc).splitlines()[0]}")
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        try:
            context.close()
        finally:
            pw.stop()
        left = _processes_mentioning(str(user_data))
        _terminate(left)
        assert not left, f"Chromium processes left behind: {[p.pid for p in left]}"


# -- helpers on the page --------------------------------------------------------------------------

def expected_images(nb_path: Path) -> int:
    """Image outputs in the committed (executed) notebook: what the browser must render again."""
    nb = nbformat.read(nb_path, as_version=4)
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])
               if any(k.startswith("image/") for k in out.get("data", {})))


def code_cells(nb_path: Path) -> int:
    nb = nbformat.read(nb_path, as_version=4)
    return sum(1 for cell in nb.cells if cell.cell_type == "code" and cell.source.strip())


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-hidden)",
                 has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(
                     rf"^{re.escape(item)}$"))).click()


def full_screenshot(page, panel, path: Path) -> None:
    """The whole notebook in one picture: grow the viewport to the notebook's scroll height."""
    scroller = panel.locator(".jp-WindowedPanel-outer").first
    # Up to the last cell (not JupyterLab's scroll-past-end padding).
    extra = scroller.evaluate("""e => {
        const cells = e.querySelectorAll('.jp-Cell');
        const last = cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom : 0;
        return Math.ceil(last - e.getBoundingClientRect().top + e.scrollTop + 24 - e.clientHeight);
    }""")
    height = min(VIEWPORT["height"] + max(0, extra), MAX_SCREENSHOT_HEIGHT)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    try:
        scroller.evaluate("e => e.scrollTo(0, 0)")
        page.wait_for_timeout(300)  # one layout pass after the resize
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(VIEWPORT)


def start_run(page, lab: JupyterLab, rel: str):
    """Open ``rel`` in JupyterLab, wait for its kernel, clear every output, click Run All."""
    # A workspace of its own, reset: JupyterLab would otherwise reopen the previous tabs.
    workspace = re.sub(r"[^A-Za-z0-9-]", "-", rel)
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{rel}?reset&token={lab.token}")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    panel.wait_for()
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # the notebook, full width
    # The session's kernel (the venv's python3) started, connected and idle. (The toolbar's
    # indicator says "idle" before any kernel exists; Run All then asks to select a kernel.)
    page.wait_for_function("""() => {
        const w = window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel;
        return k && k.name === 'python3' && k.status === 'idle'
            && k.connectionStatus === 'connected';
    }""", timeout=120_000, polling=100)
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("p => !p.querySelector('.jp-OutputArea-output')",
                           arg=panel.element_handle())
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(  # the run started: a cell queued or running, or already numbered
        "p => [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
        ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))",
        arg=panel.element_handle(), timeout=30_000)
    return panel


def wait_run(page, panel, n_code: int) -> None:
    """Wait for the run to end: see below."""
    # Done when the kernel is idle, no cell is queued or running ("[*]"), and either every
    # non-empty code cell shows a run count or a cell raised (Run All stops there).
    page.wait_for_function(
        """([panel, n]) => {
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim());
            const counts = prompts.filter(t => /^\\[\\d+\\]:$/.test(t)).length;
            const w = window.jupyterapp.shell.currentWidget;
            const idle = w.sessionContext.session.kernel.status === 'idle';
            const outputs = w.content.widgets
                .filter(c => c.model.type === 'code').flatMap(c => c.model.outputs.toJSON());
            const raised = outputs.some(o => o.output_type === 'error');
            const now = Date.now();  // idle for a whole second: background threads (Dask) settle
            if (!idle || window.__busyAt === undefined) window.__busyAt = now;
            return idle && now - window.__busyAt >= 1000
                && !prompts.some(t => t.includes('*')) && (counts >= n || raised);
        }""",
        arg=[panel.element_handle(), n_code], timeout=NOTEBOOK_RUN_TIMEOUT * 1000, polling=250)
    page.wait_for_function(  # images decode asynchronously
        "p => [...p.querySelectorAll('.jp-OutputArea-output img')].every(i => i.complete)",
        arg=panel.element_handle(), timeout=30_000)


def rendered_state(page, panel) -> dict:
    """What the notebook shows: error outputs (from the model), stderr, images, run counts."""
    state = panel.evaluate("""p => {
        const imgs = [...p.querySelectorAll('.jp-OutputArea-output img')];
        return {
            stderr: [...p.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                .map(e => e.innerText.trim().slice(0, 600)),
            images: imgs.length,
            broken_images: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
            counts: [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(e => e.textContent.trim()).filter(t => t),
            kernel: (p.querySelector('.jp-KernelName') || {}).textContent || '',
            status: window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status,
            dialogs: [...document.querySelectorAll('.jp-Dialog')]
                .map(d => d.innerText.trim().replace(/\\s+/g, ' ')),
        };
    }""")
    state["errors"] = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
        .filter(c => c.model.type === 'code')
        .flatMap(c => c.model.outputs.toJSON())
        .filter(o => o.output_type === 'error')
        .map(o => `${o.ename}: ${o.evalue}`)""")
    return state


# -- the tests ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab_runs(lab, browser) -> dict[str, dict]:
    """Every notebook run in JupyterLab, ``TABS`` at a time (their kernels work in parallel while
    the browser waits on one): what each showed, by notebook name."""
    results: dict[str, dict] = {}
    pending, active = list(NOTEBOOK_PATHS), []

    def start(nb_path: Path) -> None:
        rel = f"notebooks/{nb_path.name}"
        served = lab.root / rel  # as copied when the server started
        run = {"rel": rel, "n_code": code_cells(served), "n_images": expected_images(served),
               "console": [], "failure": None, "state": None}
        results[nb_path.name] = run
        page = browser.new_page()
        page.on("pageerror", lambda exc: run["console"].append(str(exc)))
        run["page"] = page
        try:
            run["panel"] = start_run(page, lab, rel)
        except Exception as exc:
            fail(nb_path, run, exc)
            return
        active.append(nb_path)

    def fail(nb_path: Path, run: dict, exc: Exception) -> None:
        run["failure"] = f"{type(exc).__name__}: {exc}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            run["page"].screenshot(path=str(SCREENSHOTS / f"{nb_path.stem}-FAILED.png"))
        except Exception:
            pass
        close(run)

    def close(run: dict) -> None:
        run.pop("panel", None)
        run.pop("page").close()
        lab.shutdown_session(run["rel"])

    def finish(nb_path: Path) -> None:
        run = results[nb_path.name]
        page, panel = run["page"], run["panel"]
        try:
            wait_run(page, panel, run["n_code"])
            run["state"] = rendered_state(page, panel)
            full_screenshot(page, panel, SCREENSHOTS / f"{nb_path.stem}.png")
        except Exception as exc:
            fail(nb_path, run, exc)
            return
        close(run)

    while pending or active:
        while pending and len(active) < TABS:
            start(pending.pop(0))
        if active:
            finish(active.pop(0))
    return results


@pytest.mark.parametrize("nb_path", NOTEBOOK_PATHS, ids=[p.stem for p in NOTEBOOK_PATHS])
def test_notebook_runs_clean_in_jupyterlab(lab, lab_runs, nb_path):
    run = lab_runs[nb_path.name]
    name, state = nb_path.name, run["state"]
    assert run["failure"] is None, (f"{name}: {run['failure']}\n(screenshot: "
                                    f"{SCREENSHOTS / (nb_path.stem + '-FAILED.png')})")
    for line in state["stderr"]:
        print(f"{name}: stderr: {line}")
    assert state["errors"] == [], f"{name}: cells show errors:\n" + "\n".join(state["errors"])
    assert state["dialogs"] == [], f"{name}: a dialog is open: {state['dialogs']}"
    assert state["status"] == "idle", f"{name}: kernel {state['status']!r}, not idle"
    assert state["counts"] == [f"[{i}]:" for i in range(1, run["n_code"] + 1)], state["counts"]
    assert state["images"] == run["n_images"], (
        f"{name}: {state['images']} images rendered, the committed notebook has {run['n_images']}")
    assert state["broken_images"] == 0, f"{name}: {state['broken_images']} images broken"
    assert run["console"] == [], f"{name}: JavaScript errors: {run['console']}"
    assert (lab.root / run["rel"]).read_bytes() == lab.served[name], "JupyterLab saved it"


def test_report_index_links_and_images_resolve(browser, tmp_path):
    """reports/index.html, as ``make run`` writes it (here from the committed notebooks, into a
    temporary reports/): every link opens, every image loads, nothing is fetched from outside."""
    from article_tone import runner
    from article_tone.config import FIGURES, SEED_ARTICLE, display_path

    out = tmp_path / "reports"
    runner._export_all([runner.Outcome(nb, nb) for nb in NOTEBOOK_PATHS], out, FIGURES,
                       article=display_path(SEED_ARTICLE), command="make run")
    index = out / "index.html"
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
            else outside.append(r.url))
    try:
        assert page.goto(index.as_uri()).ok
        page.wait_for_load_state("load")
        headline = FIGURES / runner.HEADLINE_CHART
        images = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth])")
        if headline.exists():
            assert len(images) == 1 and images[0][1] > 0, f"headline chart not shown: {images}"
        else:
            assert images == [] and "has not been made yet" in page.inner_text("body")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)
        links = page.eval_on_selector_all("a", "as => as.map(a => a.href)")
        pages = [link for link in links if link.endswith(".html")]
        assert len(pages) == len(NOTEBOOK_PATHS), links
        for link in links:
            response = page.goto(link)
            assert response is not None and response.ok, f"{link} does not open"
            page.wait_for_load_state("load")
            if link.endswith(".html"):
                stem = link.rsplit("/", 1)[1][: -len(".html")]
                state = page.eval_on_selector_all(
                    ".jp-OutputArea-output img",
                    "is => [is.length, is.filter(i => !(i.complete && i.naturalWidth)).length]")
                assert state == [expected_images(NOTEBOOKS / f"{stem}.ipynb"), 0], (
                    f"{stem}.html: [images, broken] = {state}")
    finally:
        page.close()
    assert outside == [], f"the report fetched from outside: {outside}"
