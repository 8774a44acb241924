"""A class on a real JupyterHub: students pull the course, answer a quiz, the instructor sees it.

The slow test starts JupyterHub 5+/6 on 127.0.0.1 (configurable-http-proxy from
``.offline/``, fetched by ``make offline-assets``), with its database, cookie secret and
the students' homes under a temporary folder. Two students log in with a password over
the REST API, start their servers, pull the course with the nbgitpuller link the
course's own helper builds (``course.nbgitpuller_link``, the README's link), from a bare
repository holding this checkout's HEAD; each answers a quiz question differently in
their own kernel through the real widget path (``quiz.show`` plus a Check click); the
instructor's ``classroom.class_progress()`` on the class folder then shows both, with no
file handed in. The hub, the proxy, every server and kernel are stopped whatever happens.

A second slow test plays lesson 11's classroom simulation on the same hub: the
instructor's account ("teacher") starts a game in the class folder and plays the third
role, two students join from their own servers, the instructor deals the briefs, each
team submits its moves through the seat's widget in its own kernel, the instructor
resolves both rounds, and every team sees the results. Before a round resolves, a
team's kernel cannot get another team's brief or move through the course's API. Run as
root, each hub user's server runs as its own Unix user (its own uid, the instructor's
uid in the class folder's group), as on The Littlest JupyterHub, and the test also
checks that the file system refuses a team another team's seat, move and the
instructor's copy of the scenario.

Skipped only when Node.js is missing (failed instead under ``CI=true``).
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
import sysconfig
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from helpers import course, quiz
from helpers import simulation as sim

ROOT = Path(__file__).resolve().parents[1]
CHP = ROOT / ".offline" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
STUDENTS = ("ana", "ben")
INSTRUCTOR = "teacher"
LESSON = "03"
MARK = "ALLIES_HUB_TEST"
#: Run as root, each hub user's server runs as its own Unix user (no /etc/passwd entry
#: needed); the instructor's group owns the class folder, as in docs/jupyterhub.md.
INSTRUCTORS_GID = 47000
UNIX_IDS = {"teacher": (47100, INSTRUCTORS_GID), "ana": (47101, 47101), "ben": (47102, 47102)}
DISTINCT_USERS = os.geteuid() == 0


def test_the_readme_link_is_the_helpers_link():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course.nbgitpuller_link() in readme
    link = urlsplit(course.nbgitpuller_link("https://hub.example.edu/"))
    assert link.path == "/hub/user-redirect/git-pull"
    assert dict(parse_qsl(link.query)) == {
        "repo": course.REPOSITORY, "branch": "main",
        "urlpath": f"lab/tree/allies-at-odds/{course.START_LESSON}",
    }
    assert (ROOT / course.START_LESSON).is_file()


def test_the_link_opens_the_folder_nbgitpuller_clones_into():
    # nbgitpuller's API clones into the repository URL's last part.
    link = course.nbgitpuller_link("http://h", repo="file:///srv/git/allies-at-odds.git")
    assert "lab%2Ftree%2Fallies-at-odds%2F" in link


# --------------------------------------------------------------------------- the hub

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, probe, timeout: float, hub=None, every: float = 0.25):
    """Return probe()'s first truthy value; fail after ``timeout`` s (or if the hub died)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if hub is not None and hub.proc.poll() is not None:
            pytest.fail(f"JupyterHub exited (code {hub.proc.returncode}) while waiting for {what}:\n{hub.log_tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}" + (f":\n{hub.log_tail()}" if hub else ""))
        time.sleep(every)


def _marked_pids(marker: str) -> list[int]:
    """Processes whose environment carries this run's marker: the hub's proxy, servers, kernels."""
    needle = f"{MARK}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        if needle in _environ(int(entry.name)).split(b"\0"):
            found.append(int(entry.name))
    return found


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Hub:
    url: str
    base: Path
    class_dir: Path
    repo: Path
    password: str
    admin_token: str
    marker: str
    proc: subprocess.Popen
    log: Path
    timings: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)   # user -> API token, once logged in
    pulled: set = field(default_factory=set)     # users whose server has pulled the course

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no hub log)"

    def api(self, method: str, path: str, token: str | None = None, **kwargs):
        import requests

        token = self.admin_token if token is None else token  # "" sends no credentials
        headers = {"Authorization": f"token {token}"} if token else {}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=30, **kwargs)


def _reachable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [path.parent, *path.parents])


def _server_python(base: Path) -> tuple[list[str], dict]:
    """The single-user server's command, and the environment it needs, for users other than root.

    Where this environment's interpreter sits in a folder other users cannot enter (a
    pyenv under /root), the servers run the system's Python of the same version with this
    environment's packages on their path, and ``python`` (the kernel's command) is that
    interpreter too.
    """
    own = Path(os.path.realpath(sys.executable))
    if not DISTINCT_USERS or _reachable_by_others(own):
        return [str(BIN / "jupyterhub-singleuser")], {}
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        pytest.skip(f"{own} cannot be run by other users and {system} is missing")
    shims = base / "bin"
    shims.mkdir()
    (shims / "python").symlink_to(system)
    (shims / "python3").symlink_to(system)
    paths = sysconfig.get_paths()
    share = Path(sys.prefix) / "share" / "jupyter"
    return [str(system), "-m", "jupyterhub.singleuser"], {
        "PATH": os.pathsep.join([str(shims), "/usr/local/bin", "/usr/bin", "/bin"]),
        "extra_path": [paths["purelib"], paths["platlib"]],
        "JUPYTER_PATH": str(share),
        "JUPYTER_CONFIG_PATH": str(Path(sys.prefix) / "etc" / "jupyter"),  # enables nbgitpuller, JupyterLab
        "JUPYTERLAB_DIR": str(share / "lab"),
    }


def _config(base: Path, ports: dict, class_dir: Path, marker: str) -> str:
    args = ["--allow-root"] if os.geteuid() == 0 else []
    # Server extensions the course does not use (language servers, terminals) only slow
    # the servers' start on a busy machine; JupyterLab and nbgitpuller stay.
    args += ["--ServerApp.jpserver_extensions=jupyter_lsp=False",
             "--ServerApp.jpserver_extensions=jupyter_server_terminals=False"]
    cmd, server_env = _server_python(base)
    extra_path = server_env.pop("extra_path", [])
    ids = UNIX_IDS if DISTINCT_USERS else {}
    return f"""
import os
from jupyterhub.spawner import SimpleLocalProcessSpawner
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports['public']}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports['hub']}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['proxy_api']}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(base / 'proxy.pid')!r}
c.JupyterHub.db_url = {f'sqlite:///{base}/jupyterhub.sqlite'!r}
c.JupyterHub.cookie_secret_file = {str(base / 'jupyterhub_cookie_secret')!r}
c.JupyterHub.pid_file = {str(base / 'jupyterhub.pid')!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["ALLIES_HUB_PASSWORD"]
c.Authenticator.allowed_users = {set(STUDENTS) | {INSTRUCTOR}!r}

UNIX_IDS = {ids!r}


class CourseSpawner(SimpleLocalProcessSpawner):
    \"\"\"A local-process server per user, as that user's own uid and group when one is given.\"\"\"

    def make_preexec_fn(self, name):
        home, ids = self.home_dir, UNIX_IDS.get(name)

        def preexec():
            os.makedirs(home, 0o755, exist_ok=True)  # as SimpleLocalProcessSpawner does
            if ids:
                os.setgroups([])
                os.setgid(ids[1])
                os.setuid(ids[0])
            os.chdir(home)
        return preexec


c.JupyterHub.spawner_class = CourseSpawner
c.SimpleLocalProcessSpawner.home_dir_template = {str(base / 'home' / '{username}')!r}
# Servers stay in the hub's process group, so one killpg stops them too.
c.LocalProcessSpawner.popen_kwargs = {{"start_new_session": False}}
c.Spawner.cmd = {cmd!r}
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
# What docs/jupyterhub.md sets on a real hub: the class folder, and the student's pulled
# copy of the course first on the path, so `import helpers` (and every pulled update) is theirs.
c.Spawner.environment = {{
    "ALLIES_CLASS_DIR": {str(class_dir)!r},
    "PYTHONPATH": lambda spawner: os.pathsep.join(
        [os.path.join({str(base / 'home')!r}, spawner.user.name, "allies-at-odds"), *{extra_path!r}]),
    **{server_env!r},
    {MARK!r}: {marker!r},
}}
c.JupyterHub.services = [{{"name": "course-test", "api_token": os.environ["ALLIES_HUB_ADMIN_TOKEN"]}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["course-test"]}}]
c.JupyterHub.cleanup_servers = True
# Answer a spawn request at once (202) instead of holding it up to 10 s: both students'
# servers then start side by side.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
"""


def _stop(hub: Hub) -> list[int]:
    """Stop servers, hub and proxy: politely, then by force. Return pids still alive after."""
    # SIGTERM: the hub stops every server at once (cleanup_servers) and then the proxy.
    if hub.proc.poll() is None:
        with_group = True
        try:
            os.killpg(hub.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            with_group = False
        try:
            hub.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        if with_group:
            try:
                os.killpg(hub.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        hub.proc.wait(timeout=10)
    # Kernels start in sessions of their own; the marker finds them and anything else left.
    deadline = time.monotonic() + 10
    left = _marked_pids(hub.marker)
    for pid in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = [p for p in _marked_pids(hub.marker)]
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # SIGKILL is not instant: wait (polling, bounded) until the killed processes are gone
    deadline = time.monotonic() + 5
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = _marked_pids(hub.marker)
    return _marked_pids(hub.marker)


@pytest.fixture(scope="session")
def hub():
    import requests

    if shutil.which("node") is None:
        reason = "Node.js is missing: JupyterHub's proxy (configurable-http-proxy) runs on Node"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: the hub test must run)")
        pytest.skip(reason)
    if not CHP.exists():
        pytest.fail(f"{CHP.relative_to(ROOT)} is missing: run `make offline-assets` (make test does it)")
    started = time.monotonic()
    # Not under pytest's temporary folder (0700, root's): every hub user must reach it.
    base = Path(tempfile.mkdtemp(prefix="aao-hub-"))
    base.chmod(0o755)
    # A bare repository holding this checkout's HEAD as main, as the course's host would.
    repo = base / "git" / "allies-at-odds"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    subprocess.run(["git", "-C", str(ROOT), "push", "--quiet", str(repo), "HEAD:refs/heads/main"], check=True)
    class_dir = base / "class"
    class_dir.mkdir()
    (class_dir / "roster.txt").write_text("\n".join(STUDENTS) + "\n", encoding="utf-8")
    (class_dir / "simulation").mkdir()
    if DISTINCT_USERS:
        # docs/jupyterhub.md: students add files but do not list; the group reads. And
        # instructors/simulation_gsomia_2019.md: a games folder the instructor owns.
        for folder, owner in ((class_dir, 0), (class_dir / "simulation", UNIX_IDS[INSTRUCTOR][0])):
            os.chown(folder, owner, INSTRUCTORS_GID)
            folder.chmod(0o3753)
        for user, (uid, gid) in UNIX_IDS.items():
            home = base / "home" / user
            home.mkdir(parents=True)
            # The course's bare repository belongs to root, and git refuses to read a
            # repository another user owns unless the user's own config allows it.
            (home / ".gitconfig").write_text(f"[safe]\n\tdirectory = {repo}\n", encoding="utf-8")
            for path in (home, home / ".gitconfig"):
                os.chown(path, uid, gid)
            home.chmod(0o700)

    ports = {"public": _free_port(), "hub": _free_port(), "proxy_api": _free_port()}
    marker = uuid.uuid4().hex
    (base / "jupyterhub_config.py").write_text(_config(base, ports, class_dir, marker), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIES_", "JUPYTERHUB_"))}
    env.update({
        "PATH": os.pathsep.join([str(BIN), str(CHP.parent), env.get("PATH", "")]),
        "ALLIES_HUB_PASSWORD": secrets.token_urlsafe(12),
        "ALLIES_HUB_ADMIN_TOKEN": secrets.token_hex(32),
        MARK: marker,
    })
    log = base / "jupyterhub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(base / "jupyterhub_config.py")],
                                cwd=base, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    the_hub = Hub(f"http://127.0.0.1:{ports['public']}", base, class_dir, repo, env["ALLIES_HUB_PASSWORD"],
                  env["ALLIES_HUB_ADMIN_TOKEN"], marker, proc, log)
    try:
        def up():
            try:
                return the_hub.api("GET", "/").status_code == 200
            except requests.RequestException:
                return False
        _wait("the hub's API through the proxy", up, 60, the_hub)
        the_hub.timings["hub up"] = time.monotonic() - started
        yield the_hub
    finally:
        stopping = time.monotonic()
        left = _stop(the_hub)
        print(f"\nhub test teardown: {time.monotonic() - stopping:.1f} s")
        if not left:
            shutil.rmtree(base, ignore_errors=True)
        assert not left, f"processes of the test hub still running after teardown: {left}"


# --------------------------------------------------------------------------- a student

def _login(hub: Hub, user: str) -> str:
    """Log in with the password over the REST API; return the student's own API token."""
    r = hub.api("POST", f"/users/{user}/tokens", token="", json={
        "auth": {"username": user, "password": hub.password}, "note": "hub test", "expires_in": 3600})
    assert r.status_code in (200, 201), r.text
    wrong = hub.api("POST", f"/users/{user}/tokens", token="", json={"auth": {"username": user, "password": "wrong"}})
    assert wrong.status_code == 403
    return r.json()["token"]


def _ready(hub: Hub, user: str, token: str):
    def probe():
        r = hub.api("GET", f"/users/{user}", token=token)
        server = r.json().get("servers", {}).get("") if r.ok else None
        return bool(server and server.get("ready"))
    return probe


def _pull(hub: Hub, user: str, token: str, link: str) -> list[dict]:
    """Do what the nbgitpuller link does in a browser; return the streamed events."""
    import requests

    # A browser session: the hub's login form, then the link, through the hub's redirect
    # to the student's own server and its OAuth hand-shake, to the git-pull page.
    browser = requests.Session()
    browser.get(f"{hub.url}/hub/login", timeout=30)
    login = browser.post(f"{hub.url}/hub/login", allow_redirects=False, timeout=30,
                         data={"username": user, "password": hub.password, "_xsrf": browser.cookies.get("_xsrf", "")})
    assert login.status_code == 302, login.text[:500]
    page = browser.get(link, timeout=60)
    target = urlsplit(page.url)
    assert page.status_code == 200 and target.path == f"/user/{user}/git-pull", page.url
    assert "git-pull" in page.text
    # That page's JavaScript streams the pull from the API; so do we.
    query = dict(parse_qsl(target.query))
    api = f"{hub.url}/user/{user}/git-pull/api?" + urlencode({k: query[k] for k in ("repo", "branch")})
    events = []
    with requests.get(api, headers={"Authorization": f"token {token}"}, stream=True, timeout=(10, 90)) as stream:
        assert stream.status_code == 200
        for line in stream.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    assert events and events[-1]["phase"] == "finished", events[-3:]
    return events


class Kernel:
    """A kernel on a user's server (REST + websocket), kept for several cells; shut down on close."""

    def __init__(self, hub: Hub, user: str, token: str, timeout: float = 90):
        import requests
        import websocket

        self.user, self.timeout = user, timeout
        self.headers = {"Authorization": f"token {token}"}
        self.base = f"{hub.url}/user/{user}/api"
        kernel = requests.post(f"{self.base}/kernels", json={"name": "python3"}, headers=self.headers, timeout=30)
        assert kernel.status_code == 201, kernel.text
        self.id = kernel.json()["id"]
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(f"{self.base.replace('http', 'ws', 1)}/kernels/{self.id}/channels",
                                              header=[f"Authorization: token {token}"], timeout=timeout)

    def run(self, code: str) -> str:
        """Execute ``code`` as a notebook cell would; return its stdout; fail on an error."""
        msg_id, out, errors = uuid.uuid4().hex, [], []
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.user, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id or msg.get("channel") != "iopub":
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])
            elif kind == "error":
                errors.append("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
        else:
            pytest.fail(f"{self.user}'s kernel did not finish within {self.timeout} s")
        assert not errors, errors[0]
        return "".join(out)

    def json(self, code: str):
        """Run ``code`` and parse the last line it prints as JSON."""
        return json.loads(self.run(code).strip().splitlines()[-1])

    def close(self) -> None:
        import requests

        try:
            self.ws.close()
        finally:
            requests.delete(f"{self.base}/kernels/{self.id}", headers=self.headers, timeout=30)


def _run(hub: Hub, user: str, token: str, code: str, timeout: float = 90) -> str:
    """Run ``code`` in a new kernel on the student's server; return its stdout."""
    kernel = Kernel(hub, user, token, timeout)
    try:
        return kernel.run(code)
    finally:
        kernel.close()


def _servers_up(hub: Hub, users) -> dict[str, str]:
    """Log ``users`` in, start their servers side by side and pull the course, as a class
    arriving does; skip what an earlier test already did. Return each user's token."""
    fresh = [u for u in users if u not in hub.tokens]
    for user in fresh:
        hub.tokens[user] = _login(hub, user)
    for user in fresh:
        r = hub.api("POST", f"/users/{user}/server", token=hub.tokens[user])
        assert r.status_code in (201, 202), r.text
    for user in fresh:
        # Polling costs the hub CPU the servers need while starting: once a second is enough.
        _wait(f"{user}'s server", _ready(hub, user, hub.tokens[user]), 120, hub, every=1.0)
    link = course.nbgitpuller_link(hub.url, repo=f"file://{hub.repo}", branch="main")
    todo = [u for u in users if u not in hub.pulled]
    if todo:
        with ThreadPoolExecutor(len(todo)) as pool:  # the class works at the same time
            list(pool.map(lambda user: _pull(hub, user, hub.tokens[user], link), todo))
    for user in todo:
        assert (hub.base / "home" / user / "allies-at-odds" / course.START_LESSON).is_file()
        hub.pulled.add(user)
    return {u: hub.tokens[u] for u in users}


STUDENT_CODE = """
import json, os, resource, sys
course = os.path.join(os.path.expanduser("~"), "allies-at-odds")
os.chdir(os.path.join(course, "lessons"))  # where a lesson's kernel runs
import helpers
from helpers import quiz
view = quiz.show({lesson!r}, ids=[{qid!r}])
question = view.questions[0]
question.radio.value = {choice!r}
question.check_button.click()       # what the Check button does in the browser
print(json.dumps({{"helpers": helpers.__file__, "score": question.last.score,
                  "correct": question.last.correct, "notice": view.notice.value,
                  "user": os.environ.get("JUPYTERHUB_USER"),
                  "kernel_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


@pytest.mark.slow
def test_two_students_pull_the_course_answer_and_the_instructor_sees_both(hub, monkeypatch):
    import requests

    from helpers import classroom

    t0 = time.monotonic()
    bank = quiz.load_bank(LESSON)
    q = next(q for q in bank["questions"] if q["type"] == "single")
    right = next(c["text"] for c in q["choices"] if c["correct"])
    wrong = next(c["text"] for c in q["choices"] if not c["correct"])
    answers = {"ana": right, "ben": wrong}

    tokens = _servers_up(hub, STUDENTS)
    hub.timings["servers ready"] = hub.timings["course pulled"] = time.monotonic() - t0

    def answer(user):
        return _run(hub, user, tokens[user], STUDENT_CODE.format(lesson=LESSON, qid=q["id"], choice=answers[user]))

    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        outputs = dict(zip(STUDENTS, pool.map(answer, STUDENTS)))
    results = {}
    for user in STUDENTS:
        results[user] = json.loads(outputs[user].strip().splitlines()[-1])
        # The pulled course (PYTHONPATH), not the copy installed in the test's environment.
        assert results[user]["helpers"].startswith(str(hub.base / "home" / user / "allies-at-odds")), results[user]
        assert results[user]["user"] == user and "Note" not in results[user]["notice"]
    assert results["ana"]["correct"] and results["ana"]["score"] == 1
    assert not results["ben"]["correct"] and results["ben"]["score"] == 0
    hub.timings["quiz answered"] = time.monotonic() - t0

    # Memory of each student's server (its kernel has been shut down) and the kernel's
    # peak, for the resource limits in docs/jupyterhub.md.
    memory = {user: {"server_mb": round(sum(_rss_mb(p) for p in _marked_pids(hub.marker)
                                            if f"/home/{user}".encode() in _environ(p)), 1),
                     "kernel_peak_mb": round(results[user]["kernel_peak_mb"], 1)}
              for user in STUDENTS}

    # The instructor's view: the class folder, no file handed in.
    assert sorted(p.name for p in hub.class_dir.glob("*.csv")) == ["ana.csv", "ben.csv"]
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(hub.class_dir))
    table = classroom.class_progress()
    rows = {r.student_id: r for r in table.itertuples()}
    assert set(rows) == set(STUDENTS)
    assert rows["ana"].lesson == LESSON and rows["ana"].score_pct == 100.0
    assert rows["ben"].lesson == LESSON and rows["ben"].score_pct == 0.0
    hardest = classroom.question_difficulty().iloc[0]
    assert (hardest.question_id, hardest.students, hardest.best_score) == (q["id"], 2, 0.5)
    waiting = classroom.not_started().set_index("lesson")
    assert waiting.loc[LESSON, "started"] == 2 and waiting.loc["01", "students_not_started"] == "ana, ben"

    # A second pull keeps a student's own file and brings nothing unwanted.
    mine = hub.base / "home" / "ana" / "allies-at-odds" / "lessons" / "my_notes.md"
    mine.write_text("my notes\n", encoding="utf-8")
    _pull(hub, "ana", tokens["ana"], course.nbgitpuller_link(hub.url, repo=f"file://{hub.repo}", branch="main"))
    assert mine.read_text(encoding="utf-8") == "my notes\n"
    hub.timings["total"] = time.monotonic() - t0 + hub.timings["hub up"]
    print(f"\nhub test timings (s): { {k: round(v, 1) for k, v in hub.timings.items()} }; "
          f"memory per student: {memory}")
    assert requests.get(f"{hub.url}/hub/api/", timeout=10).ok


# --------------------------------------------------------------------------- lesson 11 on the hub

GAME = "hubgame"
SEAT_CODE = """
import json, os
from helpers import CourseError, simulation as sim
seat = sim.join({game!r})
g = sim.game_dir({game!r})


def attempt(f):
    try:
        f()
        return "allowed"
    except PermissionError:
        return "PermissionError"
    except FileNotFoundError:
        return "FileNotFoundError"
    except CourseError as exc:
        return "CourseError: " + str(exc)


print(json.dumps({{"role": seat.role, "brief": attempt(seat.brief), "uid": os.getuid(), "helpers": sim.__file__}}))
"""
PEEK_CODE = """
other = {other!r}
print(json.dumps({{
    "brief": seat.brief(),
    "as_other": attempt(lambda: sim.join({game!r}, other)),
    "other_seat": attempt(lambda: (g / "seats" / f"{{other}}.json").read_text()),
    "host_copy": attempt(lambda: (g / "host.json").read_text()),
    "list_seats": attempt(lambda: os.listdir(g / "seats")),
    "public": json.loads((g / "scenario.json").read_text())["roles"],
    "other_move": attempt(lambda: (g / "moves" / {round!r} / f"{{other}}.json").read_text()),
    "list_moves": attempt(lambda: os.listdir(g / "moves" / {round!r})),
    "results": seat.results_text(),
    "mine": seat.my_move(),
}}))
"""
MOVE_CODE = """
panel = seat.move_panel()          # what the team sees: brief, its options, Submit
menu, button, out = panel.widget.children[2:]
menu.value = {option!r}
button.click()                     # what the Submit button does in the browser
print(json.dumps({{"said": out.outputs[0]["text"], "mine": seat.my_move()}}))
"""


@pytest.mark.slow
def test_lesson_11_class_folder_game_with_two_team_accounts_and_the_instructor(hub):
    t0 = time.monotonic()
    users = (INSTRUCTOR, *STUDENTS)
    tokens = _servers_up(hub, users)
    started = time.monotonic() - t0
    kernels = {}
    try:
        for user in users:
            kernels[user] = Kernel(hub, user, tokens[user])
        # The instructor starts the game in the class folder and plays the third role.
        teams = kernels[INSTRUCTOR].json(f"""
import json
from helpers import simulation as sim
host = sim.ClassGame.start("gsomia_2019", {GAME!r}, ["ana", "ben", "teacher"])
print(json.dumps(host.teams))""")
        gdir = hub.class_dir / "simulation" / GAME
        assert teams == {"ana": "seoul", "ben": "tokyo", "teacher": "washington"}
        # Each team joins from its own server; no brief until the instructor deals.
        joined = {u: kernels[u].json(SEAT_CODE.format(game=GAME)) for u in users}
        for user in users:
            assert joined[user]["role"] == teams[user]
            assert "has not been dealt yet" in joined[user]["brief"]
            assert joined[user]["helpers"].startswith(str(hub.base / "home" / user / "allies-at-odds"))
        assert kernels[INSTRUCTOR].json("print(json.dumps(host.deal()))") == list(teams)

        sc = sim.load_scenario("gsomia_2019")
        hist = sc["debrief"]["historical_moves"]
        other = {"ana": "ben", "ben": "ana"}
        for rnd in sc["rounds"]:
            rid = rnd["id"]
            # ana moves first; then what ben can see before the round resolves, and ana after ben moved.
            said = kernels["ana"].json(MOVE_CODE.format(option=hist[rid]["seoul"]))
            assert said == {"said": f"Move saved for round {rid}: {hist[rid]['seoul']}. You can change it until "
                                    "the instructor resolves the round.\n", "mine": hist[rid]["seoul"]}
            seen = {"ben": kernels["ben"].json(PEEK_CODE.format(other="ana", game=GAME, round=rid))}
            kernels["ben"].json(MOVE_CODE.format(option=hist[rid]["tokyo"]))
            seen["ana"] = kernels["ana"].json(PEEK_CODE.format(other="ben", game=GAME, round=rid))
            for user, view in seen.items():
                mine, theirs = teams[user], teams[other[user]]
                # Through the course's API: its own brief only, no other seat, no moves before resolution.
                assert view["brief"] == sim.brief_text(sc, mine)
                for part in sim.BRIEF_PARTS:
                    for fact in next(r for r in sc["roles"] if r["id"] == theirs)["brief"][part]:
                        assert " ".join(fact["text"].split()) not in view["brief"]
                assert view["as_other"].startswith(f"CourseError: On the hub you play as your own account ({user})")
                assert all("brief" not in r and "advanced_brief" not in r for r in view["public"])
                if rid == "r1":
                    assert view["results"] == "No round has been resolved yet."
                assert f"Round {rid}:" not in view["results"]  # this round's moves are not shown yet
                assert view["mine"] == (hist[rid][mine] if user == "ana" else None)
                if DISTINCT_USERS:  # and through the file system, each user being its own uid
                    assert {k: view[k] for k in ("other_seat", "host_copy", "list_seats", "other_move",
                                                 "list_moves")} == dict.fromkeys(
                        ("other_seat", "host_copy", "list_seats", "other_move", "list_moves"), "PermissionError")
            # The instructor moves for Washington and resolves; everyone sees the outcome.
            kernels[INSTRUCTOR].run(f"seat.submit({hist[rid]['washington']!r})")
            assert kernels[INSTRUCTOR].json("print(json.dumps(host.waiting_for()))") == []
            kernels[INSTRUCTOR].run("host.resolve()")
            for user in STUDENTS:
                results = kernels[user].json("print(json.dumps(seat.results_text()))")
                for role in ("seoul", "tokyo", "washington"):
                    label = next(o["label"] for o in rnd["options"][role] if o["id"] == hist[rid][role])
                    assert label in results, (user, rid, role)
        record = kernels[INSTRUCTOR].json("""
rec = json.loads(host.write_record().read_text())
print(json.dumps({"finished": rec["finished"], "moves": [r["moves"] for r in rec["rounds"]],
                  "state": rec["rounds"][-1]["state"]}))""")
        assert record["finished"] and record["moves"] == [hist["r1"], hist["r2"]]
        assert record["state"]["cohesion"] == 47  # the historical path, as tests/test_simulation.py computes it
        assert "Alliance cohesion: 47/100" in kernels["ben"].json("print(json.dumps(seat.results_text()))")
    finally:
        for kernel in kernels.values():
            kernel.close()
    if DISTINCT_USERS:  # who owns what, seen from outside: each team its own files, the group reads
        for user in users:
            for path in (gdir / "seats" / f"{user}.json", gdir / "moves" / "r1" / f"{user}.json"):
                st = path.stat()
                assert (st.st_uid, st.st_gid) == (UNIX_IDS[user][0], INSTRUCTORS_GID), path
        assert gdir.stat().st_uid == UNIX_IDS[INSTRUCTOR][0]
    print(f"\nhub simulation test: servers up {started:.1f} s, game {time.monotonic() - t0 - started:.1f} s")
