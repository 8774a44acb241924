"""The site build reuses the lessons the suite's nbval run executed (conftest.py at the root,
tools/course_site.keep_executed and the execution cache it seeds): a passing run leaves a
valid executed copy, a failing one leaves none, and only a copy whose digest still matches
the lesson and its inputs is given to myst-nb."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tools import course_site

ROOT = course_site.ROOT


def notebook(path, *codes):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A lesson")] + [nbformat.v4.new_code_cell(c) for c in codes]
    nbformat.write(nb, path)
    return path


def run_nbval(notebooks, out_dir):
    """pytest with the root conftest.py as a plugin, on notebooks outside the repository."""
    env = {**os.environ, "ALLIES_EXECUTED_DIR": str(out_dir), "PYTHONPATH": str(ROOT)}
    env.pop("ALLIES_KEEP_EXECUTED", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "conftest",
         "-o", "addopts=", "--nbval-lax", "--rootdir", str(notebooks[0].parent), *map(str, notebooks)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_an_nbval_run_keeps_each_passing_lesson_with_its_outputs_and_no_failing_one(tmp_path):
    good = notebook(tmp_path / "07_x.ipynb", "print('one')", "x = 2\nx * 21",
                    "from IPython.display import HTML\nHTML('<b>b</b>')")
    bad = notebook(tmp_path / "08_y.ipynb", "print('one')", "1 / 0", "print('never')")
    out = tmp_path / "executed"
    out.mkdir()
    (out / bad.name).write_text("an earlier run's copy")
    proc = run_nbval([good, bad], out)
    assert proc.returncode != 0 and "ZeroDivisionError" in proc.stdout, proc.stdout + proc.stderr
    assert not (out / bad.name).exists(), "a failing lesson's earlier copy was kept"
    kept = nbformat.read(out / good.name, as_version=4)
    nbformat.validate(kept)
    code = [c for c in kept.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[0].outputs[0]["output_type"] == "stream" and code[0].outputs[0]["text"] == "one\n"
    assert code[1].outputs[0]["data"]["text/plain"] == "42" and code[1].outputs[0]["execution_count"] == 2
    assert code[2].outputs[0]["data"]["text/html"] == "<b>b</b>"
    assert kept.metadata["executed"]["digest"] == course_site.lesson_digest(good)
    assert kept.cells[0].source == "# A lesson"  # markdown kept as it was


def test_keep_executed_validates_and_removes(tmp_path):
    nb = notebook(tmp_path / "01_y.ipynb", "1 + 1")
    out = tmp_path / "executed"
    path = course_site.keep_executed(nb, {0: [{"output_type": "execute_result", "metadata": {},
                                               "data": {"text/plain": "2"}, "execution_count": 9}]}, out)
    assert path == out / "01_y.ipynb"
    cell = nbformat.read(path, as_version=4).cells[1]
    assert cell.outputs[0]["execution_count"] == 1 and cell.outputs[0]["data"]["text/plain"] == "2"
    # an output nbformat rejects: no copy (the site build executes the lesson itself)
    assert course_site.keep_executed(nb, {0: [{"output_type": "display_data"}]}, out) is None
    assert not path.exists()
    course_site.keep_executed(nb, {0: []}, out)
    assert course_site.keep_executed(nb, None, out) is None and not path.exists()


def test_only_fresh_copies_seed_the_execution_cache(tmp_path, monkeypatch):
    from jupyter_cache import get_cache

    lessons, out, build = tmp_path / "lessons", tmp_path / "executed", tmp_path / "build"
    lessons.mkdir()
    monkeypatch.setattr(course_site, "LESSONS_DIR", lessons)
    fresh = notebook(lessons / "01_a.ipynb", "print('a')")
    stale = notebook(lessons / "02_b.ipynb", "print('b')")
    broken = notebook(lessons / "03_c.ipynb", "print('c')")
    for nb in (fresh, stale, broken):
        course_site.keep_executed(nb, {0: [{"output_type": "stream", "name": "stdout", "text": "kept\n"}]}, out)
    notebook(stale, "print('b changed')")          # edited after the run
    (out / "03_c.ipynb").write_text("{ not json")  # damaged copy
    assert course_site._seed_execution_cache(build, out) == ["01_a.ipynb"]
    cache = get_cache(str(build / "_build" / ".jupyter_cache"))
    _, merged = cache.merge_match_into_notebook(nbformat.read(fresh, as_version=4))
    assert merged.cells[1].outputs[0]["text"] == "kept\n"
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(stale, as_version=4))


def test_a_changed_helper_or_dataset_makes_every_copy_stale(tmp_path, monkeypatch):
    nb = notebook(tmp_path / "01_a.ipynb", "1")
    before = course_site.lesson_digest(nb)
    monkeypatch.setattr(course_site, "_inputs_digest", lambda: "another state of helpers/ and datasets/")
    assert course_site.lesson_digest(nb) != before
    assert json.loads(nb.read_text())["cells"]  # the lesson itself untouched
