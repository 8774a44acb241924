"""Keeps each lesson's nbval run as an executed notebook, so the site build does not run the lessons again.

pytest collects ``lessons/NN_*.ipynb`` with nbval (pyproject.toml: ``testpaths`` and
``--nbval-lax``): one test per code cell, all run in order in one kernel. The hooks below
keep the outputs nbval received for each cell of a lesson and, once every code cell has
passed, write the notebook nbval ran with those outputs to ``build/executed/<lesson>``
(``tools.course_site.keep_executed``), stamped with ``tools.course_site.lesson_digest``
taken when the lesson's first cell started. ``tools.course_site.build`` puts every copy
whose stamp still matches into the site's execution cache, so myst-nb executes only the
lessons that have none. No copy is kept (and an earlier one is removed) when a cell failed,
was skipped or deselected, the lesson or its inputs changed during the run, or the run's
settings are not a fresh student's: the suite gives the lessons a throw-away progress
file (``ALLIES_PROGRESS_FILE``, set here unless you set it), and a copy is kept only with
that file and with no class folder, hub user or student id set (a published page must not
show a tester's progress). Keeping a copy never fails a test: a problem is a warning.

At the repository root because pytest calls a conftest's hooks only for tests below its
folder, and the lessons are not below tests/. ``ALLIES_KEEP_EXECUTED=0`` turns it off
(the Binder test's nbval run in its own environment sets it).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

_RUNS: dict[str, dict] = {}
#: Names the throw-away progress file the session set (inherited by xdist's workers, which
#: start after the controller's pytest_configure), so a file the tester chose is told apart.
_OWN = "ALLIES_SUITE_PROGRESS_FILE"
#: Settings that change what a lesson shows; a copy is kept only when none is set.
_STUDENT_SETTINGS = ("ALLIES_CLASS_DIR", "ALLIES_STUDENT_ID", "JUPYTERHUB_USER")


#: The throw-away folder this process made (xdist's workers and nested pytest runs inherit
#: the setting and make none), removed when the session ends.
_MADE: list[str] = []


def pytest_configure(config):
    if not os.environ.get("ALLIES_PROGRESS_FILE"):
        folder = tempfile.mkdtemp(prefix="allies-test-progress-")
        _MADE.append(folder)
        os.environ["ALLIES_PROGRESS_FILE"] = os.environ[_OWN] = str(Path(folder) / "progress.json")


def pytest_unconfigure(config):
    while _MADE:
        shutil.rmtree(_MADE.pop(), ignore_errors=True)


def _lesson_cell(item) -> bool:
    """An nbval cell of a lesson in lessons/ (not of another notebook a test runs)."""
    if type(item).__name__ != "IPyNbCell" or not hasattr(item, "cell_num"):
        return False
    from tools import course_site

    path = Path(str(item.parent.path)).resolve()
    return path.parent == course_site.LESSONS_DIR and re.fullmatch(r"\d\d_.+\.ipynb", path.name) is not None


def _keeping() -> bool:
    return (os.environ.get("ALLIES_KEEP_EXECUTED") != "0"
            and os.environ.get("ALLIES_PROGRESS_FILE", "") == os.environ.get(_OWN, "-")
            and not any(os.environ.get(name) for name in _STUDENT_SETTINGS))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if not _lesson_cell(item) or not _keeping():
        return
    path = str(item.parent.path)
    if item.cell_num == 0 or path not in _RUNS:  # the lesson's first cell: a new run
        from tools import course_site

        code_cells = sum(1 for c in item.parent.nb.cells if c.cell_type == "code")
        _RUNS[path] = {"cells": code_cells, "outputs": {}, "passed": set(),
                       "digest": course_site.lesson_digest(item.parent.path)}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when != "call" or not _lesson_cell(item):
        return
    run = _RUNS.get(str(item.parent.path))
    if run is None:
        return
    report = outcome.get_result()
    run["outputs"][item.cell_num] = list(item.test_outputs or [])
    if report.passed:
        run["passed"].add(item.cell_num)
    if item.cell_num == run["cells"] - 1:  # the last code cell: the lesson is over
        del _RUNS[str(item.parent.path)]
        complete = run["passed"] == set(range(run["cells"]))
        from tools import course_site

        try:
            course_site.keep_executed(item.parent.path, item.parent.nb, run["outputs"] if complete else None,
                                      run["digest"])
        except Exception as exc:  # a speed-up must never fail the suite
            warnings.warn(f"could not keep the executed copy of {item.parent.path.name}: {exc}", stacklevel=1)
