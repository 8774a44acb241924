"""Keeps each lesson's nbval run as an executed notebook, so the site build does not run the lessons again.

pytest collects ``lessons/NN_*.ipynb`` with nbval (pyproject.toml: ``testpaths`` and
``--nbval-lax``): one test per code cell, all run in order in one kernel. The hook below
keeps the outputs nbval received for each cell and, once every code cell of a lesson has
passed, writes the lesson with those outputs to ``build/executed/<lesson>.ipynb`` (through
a temporary file and a rename, so a reader never sees half a file), stamped with
``tools.course_site.lesson_digest``: the lesson's own bytes plus everything its outputs
depend on (helpers/, datasets/, pyproject.toml, binder/requirements.txt). ``tools.course_site.build`` puts every
copy whose stamp still matches into the site's execution cache, so myst-nb executes only
the lessons that have none. A lesson with a failed cell leaves no copy (a stale one is
removed).

This file sits at the repository root because pytest calls a conftest's hooks only for
tests below its folder, and the lessons are not below tests/. ``ALLIES_KEEP_EXECUTED=0``
turns it off (the Binder test's nbval run in its own environment sets it).
"""
from __future__ import annotations

import os

import pytest

_RUNS: dict[str, dict] = {}


def _nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "cell_num")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when != "call" or not _nbval_cell(item) or os.environ.get("ALLIES_KEEP_EXECUTED") == "0":
        return
    report = outcome.get_result()
    path = str(item.parent.path)
    run = _RUNS.get(path)
    if run is None:
        cells = {i.cell_num for i in item.session.items if i.parent is item.parent}
        run = _RUNS[path] = {"cells": cells, "outputs": {}, "failed": False}
    run["failed"] |= report.failed
    run["outputs"][item.cell_num] = list(item.test_outputs or [])
    if set(run["outputs"]) == run["cells"]:
        from tools import course_site

        del _RUNS[path]
        course_site.keep_executed(item.parent.path, None if run["failed"] else run["outputs"])
