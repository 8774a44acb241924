"""The Binder environment in binder/ is complete, pinned, and runs the course.

- repo2docker (without Docker: ``--no-build --debug``) accepts the repository and its
  generated Dockerfile installs binder/requirements.txt and runs binder/postBuild;
- the pins name every runtime dependency of pyproject.toml with one exact version that
  satisfies the range pyproject.toml asks for;
- the test environment itself holds every pinned package at its pin (the Makefile
  installs with the pins as constraints), so the suite's nbval run of every lesson is a
  run in Binder's versions;
- (slow) a fresh virtual environment made exactly from the pins, plus the course package
  installed the way postBuild installs it, imports every module the lessons and helpers
  import (nothing a lesson needs comes only with the test tools; a static scan of every
  import in helpers/ and the lessons checks the same for imports inside functions) and
  runs lesson 00 under nbval.

Python's version: runtime.txt asks Binder for 3.11 (checked in repo2docker's output); the
fresh environment and the suite use the interpreter that runs the tests.

The fresh environment is installed by uv (``uv pip install``, the same resolution from
the same registry as pip, from uv's cache when `make` has just filled it: seconds instead
of minutes), then ``pip check`` proves by pip's own rules, the ones Binder's pip applies,
that every installed package's requirements are met; postBuild then runs with the
environment's own pip, exactly as on Binder.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
REQUIREMENTS = BINDER / "requirements.txt"
PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)\s*(;.*)?$")


def lessons() -> list[Path]:
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def imported_modules(paths) -> set[str]:
    """Top-level module names imported by the code cells of these notebooks (magics and
    shell lines left out)."""
    import json

    found: set[str] = set()
    for path in paths:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            code = "".join(cell["source"])
            code = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in code.splitlines())
            found |= _imports_in_source(code)
    return found


def runtime_requirements() -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r) for r in data["project"]["dependencies"]]


def read_pins(path: Path = REQUIREMENTS) -> dict[str, Version]:
    """Map canonical package name -> pinned version; fail on anything that is not a pin."""
    pins: dict[str, Version] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        m = PIN_LINE.match(line)
        assert m, f"{path.name} line {n} is not an exact pin (name==version): {raw!r}"
        name = canonicalize_name(m.group(1))
        assert name not in pins, f"{path.name} pins {name} twice (line {n})"
        pins[name] = Version(m.group(3))
    return pins


def repo2docker_dockerfile() -> str:
    exe = Path(sys.executable).with_name("jupyter-repo2docker")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "repo2docker"]
    proc = subprocess.run(
        [*cmd, "--no-build", "--debug", str(ROOT)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, f"repo2docker failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def test_binder_files_exist_and_are_usable():
    assert REQUIREMENTS.is_file(), "binder/requirements.txt is missing: run `make pins`"
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post = BINDER / "postBuild"
    assert post.is_file() and os.access(post, os.X_OK), "binder/postBuild must be executable"
    text = post.read_text()
    assert text.startswith("#!"), "postBuild needs a shebang line"
    assert re.search(r"pip install --no-deps -e \.", text), (
        "postBuild must install the course package (without re-resolving dependencies)"
    )


def test_repo2docker_uses_requirements_runtime_and_postbuild():
    out = repo2docker_dockerfile()
    assert "python=3.11" in out, "repo2docker did not pick Python 3.11 from runtime.txt"
    assert re.search(r"pip install .*-r \"?binder/requirements\.txt", out), (
        "the Dockerfile does not install binder/requirements.txt"
    )
    assert "./binder/postBuild" in out, "the Dockerfile does not run binder/postBuild"
    # the requirements are installed before postBuild runs
    assert out.index("binder/requirements.txt") < out.index("./binder/postBuild")


def test_pins_cover_and_satisfy_every_runtime_dependency():
    pins = read_pins()
    problems = []
    for req in runtime_requirements():
        if req.marker is not None and not req.marker.evaluate({"python_version": "3.11"}):
            continue
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name} is a runtime dependency but is not pinned")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req.name}=={pins[name]} does not satisfy pyproject's {req}")
    assert not problems, "binder/requirements.txt is stale (run `make pins`):\n" + "\n".join(problems)


def test_pins_do_not_carry_local_paths_or_indexes():
    text = REQUIREMENTS.read_text(encoding="utf-8")
    for bad in ("file://", "--index-url", "--extra-index-url", "--find-links", "/opt/", "-e "):
        assert bad not in text, f"binder/requirements.txt contains {bad!r}, which Binder cannot use"


def test_read_pins_rejects_ranges(tmp_path):
    # guards the guard: a loose requirement must not pass as a pin
    f = tmp_path / "requirements.txt"
    f.write_text("pandas>=2.0\n")
    with pytest.raises(AssertionError, match="not an exact pin"):
        read_pins(f)


def test_imported_modules_reads_cells_and_skips_magics(tmp_path):
    import json

    nb = tmp_path / "n.ipynb"
    nb.write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import pandas as pd, numpy\n",
                                         "from helpers.quiz import show\n", "from . import x\n"]},
        {"cell_type": "markdown", "source": ["import nothing"]},
    ]}))
    assert imported_modules([nb]) == {"pandas", "numpy", "helpers"}


def _imports_in_source(code: str) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_everything_the_lessons_and_helpers_import_comes_from_the_pins():
    """Every import anywhere in helpers/ (inside functions too) and in the lessons' code
    cells is the standard library, the course's own package, or a distribution that
    binder/requirements.txt pins: the test tools installed beside the pins in the test
    environment cannot stand in for a missing runtime dependency."""
    from importlib.metadata import packages_distributions

    names = imported_modules(lessons())
    for f in (ROOT / "helpers").rglob("*.py"):
        names |= _imports_in_source(f.read_text(encoding="utf-8"))
    pins, owners = read_pins(), packages_distributions()
    outside = {}
    for name in sorted(names - set(sys.stdlib_module_names) - {"helpers", "__future__"}):
        dists = {canonicalize_name(d) for d in owners.get(name, [])}
        if not dists & set(pins):
            outside[name] = sorted(dists) or "not installed"
    assert not outside, f"imported by helpers/ or a lesson but not pinned for Binder: {outside}"


def test_the_test_environment_runs_the_pinned_versions():
    """`make test`'s nbval run of every lesson stands for a run on Binder only if the
    test environment holds each pinned package at its pin."""
    from importlib.metadata import PackageNotFoundError, version

    moved = {}
    for name, pin in read_pins().items():
        try:
            have = Version(version(name))
        except PackageNotFoundError:
            have = None
        if have != pin:
            moved[name] = (str(pin), str(have) if have else "not installed")
    assert not moved, ("the test environment differs from binder/requirements.txt (pin, installed); "
                       f"reinstall with `make test` (it installs with the pins as constraints): {moved}")


@pytest.mark.slow
def test_fresh_env_from_pins_runs_the_course(tmp_path):
    found = lessons()
    assert found, "no lessons/NN_*.ipynb found"
    venv = tmp_path / "binder-venv"
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        PYTHONNOUSERSITE="1",
        ALLIES_PROGRESS_FILE=str(tmp_path / "progress.json"),
        MPLBACKEND="Agg",
        JUPYTER_PLATFORM_DIRS="1",
    )

    def run(cmd, timeout, **kw):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, **kw)
        assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
        return proc

    uv = Path(sys.executable).with_name("uv")
    assert uv.exists(), "uv is not installed in the test environment (pip install -e '.[test]')"
    t0 = time.perf_counter()
    # --seed: the environment gets its own pip, which postBuild and `pip check` use
    run([str(uv), "venv", "--quiet", "--seed", "--python", sys.executable, str(venv)], 120)
    # the pins are both the requirements and the constraints: pytest and nbval may
    # add packages, never move a pinned one
    run([str(uv), "pip", "install", "--quiet", "--compile-bytecode", "--python", str(py),  # as pip does
         "-r", str(REQUIREMENTS), "-c", str(REQUIREMENTS), "pytest", "nbval"], 900)
    run([str(py), "-m", "pip", "check"], 120)  # every requirement met, by pip's rules
    t_install = time.perf_counter() - t0
    run(["bash", str(BINDER / "postBuild")], 300, cwd=ROOT)  # exactly what Binder runs
    t_post = time.perf_counter() - t0 - t_install

    freeze = run([str(py), "-m", "pip", "list", "--format=freeze"], 60).stdout
    installed = {canonicalize_name(n): v for n, v in re.findall(r"^([^=\s]+)==(\S+)$", freeze, re.M)}
    moved = {n: (str(v), installed.get(n)) for n, v in read_pins().items()
             if installed.get(n) is None or Version(installed[n]) != v}
    assert not moved, f"installed versions differ from the pins (pin, installed): {moved}"
    where = run([str(py), "-c", "import helpers; print(helpers.COURSE_DIR)"], 60, cwd=tmp_path).stdout
    assert Path(where.strip()) == ROOT, "postBuild did not make `import helpers` resolve to this repository"

    # every module a lesson imports, and every helpers module (with what each imports),
    # from the pinned packages alone: the test tools are not there
    import pkgutil

    import helpers

    modules = sorted(imported_modules(found) | {
        m.name for m in pkgutil.walk_packages(helpers.__path__, "helpers.")})
    run([str(py), "-c", "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)", *modules],
        180, cwd=tmp_path)

    t1 = time.perf_counter()
    # ALLIES_KEEP_EXECUTED=0: the suite's own nbval run keeps the executed lessons (conftest.py)
    proc = subprocess.run(
        [str(py), "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", "-o", "addopts=", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         str(found[0].relative_to(ROOT))],
        env={**env, "ALLIES_KEEP_EXECUTED": "0"}, capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    t_lessons = time.perf_counter() - t1
    print(f"\nbinder env: venv+pins (uv) and pip check {t_install:.0f} s, postBuild {t_post:.0f} s, "
          f"{len(modules)} modules imported, {found[0].name} under nbval {t_lessons:.0f} s, "
          f"total {time.perf_counter() - t0:.0f} s")
    assert proc.returncode == 0, f"{found[0].name} failed in the pinned env:\n{proc.stdout[-8000:]}\n{proc.stderr[-3000:]}"
    assert re.search(r"\d+ passed", proc.stdout)
    shutil.rmtree(venv, ignore_errors=True)
