"""Drive the course in real front ends: a JupyterLab server and headless Chromium.

Two users:

- ``tests/test_browser_lessons.py`` imports the pieces (server, browser, offline
  routing, notebook actions) as ``tools.screenshots``;
- ``make screenshots`` (``python -m tools.screenshots --out docs/screenshots``, from the
  repository root) regenerates the README images in ``docs/screenshots/`` from the
  live lessons.

The server runs from the course's own venv on 127.0.0.1 with a random port and a
token, with its settings, workspaces, runtime files and quiz progress in a temporary
folder, so it neither reads nor changes the user's Jupyter state. Map tiles are
aborted and CDN requests for Leaflet and jQuery are served from ``.offline/`` (see
``make offline-assets``), so maps render without internet.

Every wait here waits for a condition, never for a fixed time: the server's
``/api/status``, the kernel's idle state, a Run All that has reached its last cell
(or stopped at an error), a map's own "label layout done" mark, the next painted
frame. Loops that ask the server or the page again do so every ``POLL_S`` seconds
until a deadline.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # only the server part is usable without Playwright
    PlaywrightTimeout = TimeoutError

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / ".offline" / "node_modules"
SCREENSHOT_DIR = ROOT / "docs" / "screenshots"
#: Interval between two looks at a condition inside a wait loop (never a wait by itself).
POLL_S = 0.2
ARTIFACTS = ROOT / "test-artifacts" / "browser"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def lessons() -> list[Path]:
    """Every lesson, in course order (grows with the course)."""
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def have_chromium() -> bool:
    return CHROMIUM.exists()


# ---------------------------------------------------------------------------
# JupyterLab server
# ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Lab user settings for the test server: render every cell (no windowing, so the
# whole notebook is in the DOM), no news toast, no update check, no autosave races.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none", "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


@dataclass
class LabServer:
    base_url: str
    token: str
    root_dir: Path
    state_dir: Path
    progress_file: Path
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str, **query: str) -> str:
        q = "&".join([*(f"{k}={v}" if v else k for k, v in query.items()), f"token={self.token}"])
        return f"{self.base_url}{path}?{q}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def progress_records(self) -> list[dict]:
        """The records in the server's progress file (none before the first is written)."""
        if not self.progress_file.exists():
            return []
        records = []
        for line in self.progress_file.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(json.JSONDecodeError):  # a line being written
                records.append(json.loads(line))
        return records

    def wait_progress(self, until, timeout: float = 30) -> list[dict]:
        """Wait until ``until(records)`` is true of the progress file's records; return them.

        A quiz's kernel sends the feedback the page shows first and writes the progress
        file after, so a test that has seen the feedback waits for the file too (seen on a
        loaded machine: the page said "Correct." before the attempt was on disk). After
        ``timeout`` seconds it returns what the file holds, for the test's assertion."""
        deadline = time.monotonic() + timeout
        while True:
            records = self.progress_records()
            if until(records) or time.monotonic() > deadline:
                return records
            time.sleep(POLL_S)  # poll interval: read the file again


def _stop_with_parent() -> None:
    """In the server's child process (Linux): get SIGTERM when the process that started it
    dies, so a killed test run (e.g. tests/soak_browser.sh interrupted) leaves no server
    behind; JupyterLab stops its kernels on SIGTERM."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def lab_server(root_dir: Path = ROOT, startup_timeout: float = 90):
    """Start JupyterLab (course venv) on a free localhost port; always stop it."""
    state = Path(tempfile.mkdtemp(prefix="allies-lab-"))
    settings = state / "user-settings"
    for name, value in LAB_SETTINGS.items():
        f = settings / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    token = secrets.token_hex(16)
    port = free_port()
    env = dict(os.environ)
    env.update(
        ALLIES_PROGRESS_FILE=str(state / "progress.json"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(state / "runtime"),
        JUPYTER_CONFIG_DIR=str(state / "config"),
        # the course's JupyterLab defaults (binder/labconfig), as `make lab` and Binder
        # install them: the tests see the JupyterLab students get
        JUPYTER_CONFIG_PATH=os.pathsep.join(filter(None, [str(ROOT / "binder"), os.environ.get("JUPYTER_CONFIG_PATH")])),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYTHONUNBUFFERED="1",
    )
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root_dir}", "--LabApp.news_url=None",
        # checkpoints go to the temporary folder, not into lessons/.ipynb_checkpoints
        f"--FileCheckpoints.checkpoint_dir={state / 'checkpoints'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = state / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=_stop_with_parent)
    server = LabServer(f"http://127.0.0.1:{port}", token, Path(root_dir), state,
                       state / "progress.json", proc, log_path)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{server.log()[-4000:]}")
            try:
                with urllib.request.urlopen(server.url("/api/status"), timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer within {startup_timeout} s:\n{server.log()[-4000:]}")
            time.sleep(POLL_S)  # poll interval: ask /api/status again
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # Jupyter shuts its kernels down on SIGINT/SIGTERM
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()
        shutil.rmtree(state, ignore_errors=True)


# ---------------------------------------------------------------------------
# Chromium and offline routing
# ---------------------------------------------------------------------------

def launch_browser(playwright, viewport=(1280, 900)):
    """A headless Chromium context (the system Chromium; no ``playwright install``)."""
    ctx = playwright.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="allies-chromium-"),
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": viewport[0], "height": viewport[1]},
    )
    ctx.set_default_timeout(30_000)
    return ctx


# The CDN stand-ins, the routing and the map-ready wait are the map tests'
# (tests/conftest.py): one copy.
from tests.conftest import CHROMIUM, MAP_READY_JS, route_offline  # noqa: E402,F401  (re-exported)


def is_tile_or_cdn(url: str) -> bool:
    """Requests a page may lose offline without being broken: tiles and third-party CDNs."""
    return not url.startswith(("http://127.0.0.1", "http://localhost", "file:"))


# ---------------------------------------------------------------------------
# Notebook actions (JupyterLab 4 and Notebook 7 share the notebook DOM)
# ---------------------------------------------------------------------------

def open_notebook(page, server: LabServer, rel: str, ui: str = "lab") -> None:
    if ui == "lab":
        page.goto(server.url(f"/lab/tree/{rel}", reset=""))
    else:
        page.goto(server.url(f"/notebooks/{rel}"))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=60_000)
    wait_session_idle(page, server, rel, 90)
    wait_kernel_idle(page, 30)


def session_state(server: LabServer, rel: str) -> str | None:
    """The server's view of the notebook's kernel: 'idle', 'busy', 'starting' or None."""
    with urllib.request.urlopen(server.url("/api/sessions"), timeout=5) as r:
        for s in json.load(r):
            if s.get("path") == rel and s.get("kernel"):
                return s["kernel"].get("execution_state")
    return None


def wait_session_idle(page, server: LabServer, rel: str, timeout: float) -> None:
    """Wait until a kernel for ``rel`` runs and is idle (accepting a kernel dialog if one shows)."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        accept_dialogs(page)
        state = session_state(server, rel)
        if state == "idle":
            return
        page.wait_for_timeout(POLL_S * 1000)  # poll interval: ask /api/sessions again
    raise TimeoutError(f"no idle kernel for {rel} after {timeout} s (state {state!r})")


def accept_dialogs(page) -> None:
    """Accept a modal such as "Select Kernel" (shown when kernelspecs load late)."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and dialog.first.is_visible():
        page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").first.click()
        dialog.first.wait_for(state="hidden", timeout=15_000)


def kernel_status(page) -> str | None:
    return page.evaluate(
        """() => { const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
                   return e ? e.getAttribute('data-status') : null; }"""
    )


KERNEL_IDLE_JS = """() => {
  const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
  if (e && e.getAttribute('data-status') === 'idle') return true;
  return /Python 3 \\(ipykernel\\) \\| Idle/.test(document.body.innerText);
}"""


def wait_kernel_idle(page, timeout: float) -> None:
    """Wait until the page shows the notebook's kernel idle (accepting a kernel dialog)."""
    deadline = time.monotonic() + timeout
    while True:
        accept_dialogs(page)
        try:
            page.wait_for_function(KERNEL_IDLE_JS, polling=POLL_S * 1000, timeout=2_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernel not idle after {timeout} s (status {kernel_status(page)!r})") from None


# Before Run All, watch the notebook: a run has started once a prompt shows "*".
WATCH_RUN_JS = """() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
             || document.querySelector('.jp-Notebook');
  const run = window.__aaoRun = {started: false};
  const look = () => {
    if (!run.started && Array.from(nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
        .some(e => e.textContent.includes('*'))) run.started = true;
  };
  new MutationObserver(look).observe(nb, {subtree: true, childList: true, characterData: true});
}"""

# Run All is over when it started, no cell is queued or running, the kernel is idle, and
# either the last code cell ran last (its count is the highest) with its output area in
# place, or the run stopped at a cell that shows an error.
RUN_DONE_JS = """() => {
  const run = window.__aaoRun;
  if (!run || !run.started) return false;
  const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell'));
  const prompts = cells.map(c => ((c.querySelector('.jp-InputArea-prompt') || {}).textContent || '').trim());
  if (!prompts.length || prompts.some(p => p.includes('*'))) return false;
  const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const status = ind ? ind.getAttribute('data-status') : null;
  if (status && status !== 'idle') return false;
  const counts = prompts.map(p => +((p.match(/\\[(\\d+)\\]/) || [])[1] || 0));
  const last = counts[counts.length - 1];
  if (last && last === Math.max(...counts))
    return !!cells[cells.length - 1].querySelector('.jp-OutputArea');
  return !!document.querySelector(
    '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
}"""


def run_all(page) -> None:
    accept_dialogs(page)
    page.evaluate(WATCH_RUN_JS)
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()


PROMPTS_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt'))
                      .map(e => e.textContent.trim())"""


def wait_run_finished(page, timeout: float) -> list[str]:
    """Wait until the Run All started by :func:`run_all` is over (see ``RUN_DONE_JS``): the
    kernel idle and the last cell run with its output, or a cell showing an error; return
    the prompts."""
    try:
        page.wait_for_function(RUN_DONE_JS, polling=POLL_S * 1000, timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise TimeoutError(f"Run All not finished after {timeout} s: {page.evaluate(PROMPTS_JS)}") from None
    return page.evaluate(PROMPTS_JS)


ERRORS_JS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
    const mime = e.getAttribute('data-mime-type') || '';
    const text = e.innerText || '';
    // error outputs (type "error") render as stderr with an ANSI traceback
    if (mime === 'application/vnd.jupyter.stderr' && /Traceback|\\w+Error\\b|Exception/.test(text))
      out.push(text.slice(0, 1500));
    // a CourseError is an error output holding its message instead of a traceback
    else if (/run %tb in a new cell/.test(text))
      out.push(text.slice(0, 1500));
  }
  return out;
}"""


CELLS_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map(c => ({
  prompt: (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
  source: ((c.querySelector('.jp-InputArea-editor') || {}).innerText || '').slice(0, 300),
  outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(e => e.innerText.slice(0, 800)),
}))"""


def code_cells(page) -> list[dict]:
    """Prompt, start of source and output texts of every code cell."""
    return page.evaluate(CELLS_JS)


def error_outputs(page) -> list[str]:
    return page.evaluate(ERRORS_JS)


def stderr_outputs(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .map(e => e.innerText.slice(0, 500))""")


def map_frames(page):
    """(iframe element, frame) for every map in the notebook's outputs."""
    found = []
    for el in page.locator(".jp-OutputArea-output iframe").element_handles():
        frame = el.content_frame()
        if frame is not None:
            found.append((el, frame))
    return found


def leaflet_state(frame, timeout_ms: int = 30_000) -> dict:
    """Leaflet loaded? How many markers (icons, circle markers, vector shapes)?

    Waits (up to ``timeout_ms``) until the map has drawn and, for a course map, its label
    layout says it is done; then reports what is there (a broken map is reported, not raised).
    """
    with contextlib.suppress(Exception):
        frame.wait_for_function(MAP_READY_JS, timeout=timeout_ms)
    with contextlib.suppress(Exception):
        frame.wait_for_function(
            "() => document.querySelectorAll('.leaflet-marker-icon, .leaflet-marker-pane > *, "
            "path.leaflet-interactive').length > 0", timeout=2_000)
    return frame.evaluate(
        """() => ({
            leaflet: typeof window.L !== 'undefined',
            container: document.querySelectorAll('.leaflet-container').length,
            icons: document.querySelectorAll('.leaflet-marker-icon').length,
            paths: document.querySelectorAll('path.leaflet-interactive').length,
            markerPane: document.querySelectorAll('.leaflet-marker-pane > *').length,
        })"""
    )


PAINTED_JS = """() => document.fonts.ready.then(() => new Promise(
    r => requestAnimationFrame(() => requestAnimationFrame(r))))"""


def wait_painted(page) -> None:
    """Wait until fonts are loaded and the page has painted a frame since the last change."""
    page.evaluate(PAINTED_JS)


def scroll_screenshots(page, stem: Path, max_pages: int = 40) -> list[Path]:
    """Screenshot the notebook page by page (the notebook scrolls inside its panel)."""
    shots = []
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    page.evaluate(f"() => {{ const s = document.querySelector('{scroller}'); if (s) s.scrollTop = 0; }}")
    for i in range(max_pages):
        wait_painted(page)
        path = stem.with_name(f"{stem.name}_{i:02d}.png")
        page.screenshot(path=str(path))
        shots.append(path)
        moved = page.evaluate(
            f"""() => {{ const s = document.querySelector('{scroller}');
                 if (!s) return false; const before = s.scrollTop;
                 s.scrollTop = before + s.clientHeight * 0.9; return s.scrollTop > before; }}""")
        if not moved:
            break
    return shots


# ---------------------------------------------------------------------------
# `make screenshots`: README images
# ---------------------------------------------------------------------------

MAX_PNG_BYTES = 200_000


def save_small_png(locator_or_page, path: Path, clip=None, max_width: int = 900) -> Path:
    """Screenshot to ``path`` and shrink (pillow, if present) until it is under 200 KB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"path": str(path)}
    if clip:
        kwargs["clip"] = clip
    locator_or_page.screenshot(**kwargs)
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is not None:
        img = Image.open(path)
        if img.width > max_width:
            img = img.resize((max_width, round(img.height * max_width / img.width)), Image.LANCZOS)
        colours = 256
        while True:
            img.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
            if path.stat().st_size < MAX_PNG_BYTES or colours <= 32:
                break
            colours //= 2
    return path


def _run_lesson(page, server, lesson: Path, timeout: float = 300) -> None:
    open_notebook(page, server, f"lessons/{lesson.name}")
    run_all(page)
    wait_run_finished(page, timeout)


def make_screenshots(out_dir: Path = SCREENSHOT_DIR) -> list[Path]:
    from playwright.sync_api import sync_playwright

    made: list[Path] = []
    by_number = {p.name[:2]: p for p in lessons()}
    with lab_server() as server, sync_playwright() as p:
        ctx = launch_browser(p, viewport=(1100, 800))
        route_offline(ctx)
        page = ctx.new_page()
        try:
            # 1. a quiz, answered once (lesson 03's if there is one, else the first with a quiz)
            quiz_lessons = [n for n in ("03", "01", "04", "00") if n in by_number
                            and (ROOT / "datasets" / "quizzes" / f"{n}.yaml").exists()]
            if quiz_lessons:
                _run_lesson(page, server, by_number[quiz_lessons[0]])
                radio = page.locator(".widget-radio-box").first
                if radio.count():
                    # one question: the nearest box holding the radio buttons and a Check button
                    box = radio.locator("xpath=ancestor::div[contains(@class,'widget-vbox')]"
                                        "[.//button[contains(., 'Check')]][1]")
                    box.scroll_into_view_if_needed()
                    radio.locator("input[type=radio]").first.check()
                    box.locator("button.jupyter-button:has-text('Check')").first.click()
                    box.locator("text=/Correct\\.|Not correct\\./").first.wait_for(timeout=15_000)
                    wait_painted(page)
                    made.append(save_small_png(box, out_dir / "quiz.png"))
            # 2. the islets map
            if "03" in by_number:
                if not quiz_lessons or quiz_lessons[0] != "03":
                    _run_lesson(page, server, by_number["03"])
                frames = map_frames(page)
                if frames:
                    el, frame = frames[0]
                    el.scroll_into_view_if_needed()
                    leaflet_state(frame)  # drawn, labels laid out (the map says so)
                    wait_painted(page)
                    made.append(save_small_png(el, out_dir / "islets_map.png"))
            # 3. a chart (first matplotlib image in the cost-sharing lesson, else opinion)
            for n in ("05", "07"):
                if n not in by_number:
                    continue
                _run_lesson(page, server, by_number[n])
                img = page.locator(".jp-OutputArea-output img").first
                if img.count():
                    img.scroll_into_view_if_needed()
                    made.append(save_small_png(img, out_dir / "chart.png"))
                    break
        finally:
            ctx.close()
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=SCREENSHOT_DIR)
    args = ap.parse_args(argv)
    if not have_chromium():
        print(f"Chromium not found at {CHROMIUM}: install it (apt install chromium) or set CHROMIUM", file=sys.stderr)
        return 1
    made = make_screenshots(args.out)
    for f in made:
        print(f"{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}  {f.stat().st_size // 1024} KB")
    if not made:
        print("no screenshots made: are the lessons there?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
