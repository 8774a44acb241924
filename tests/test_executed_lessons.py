"""The site build reuses the lessons the suite's nbval run executed (conftest.py at the root,
tools/course_site.keep_executed and the execution cache it seeds): a complete passing run
leaves a valid copy of what nbval ran; a failing, partial or skipped run, another notebook,
a lesson changed during the run, or a run with a student's settings leaves none; only a copy
whose digest still matches the lesson and its inputs reaches myst-nb."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import nbformat
import pytest

from tools import course_site

ROOT = course_site.ROOT


def notebook(path, *codes, tags=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A lesson")] + [nbformat.v4.new_code_cell(c) for c in codes]
    for n, tag in (tags or {}).items():
        nb.cells[n + 1].metadata["tags"] = [tag]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run_nbval(paths, lessons, out, *args):
    """pytest with the root conftest.py as a plugin, on notebooks of a stand-in lessons folder."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ALLIES_KEEP_EXECUTED", "ALLIES_PROGRESS_FILE", "ALLIES_SUITE_PROGRESS_FILE",
                        "ALLIES_CLASS_DIR", "ALLIES_STUDENT_ID", "JUPYTERHUB_USER")}
    env.update(ALLIES_EXECUTED_DIR=str(out), ALLIES_LESSONS_DIR=str(lessons), PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "conftest",
         "-o", "addopts=", "--nbval-lax", "--rootdir", str(lessons), *args, *map(str, paths)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


@pytest.mark.slow
def test_one_nbval_run_keeps_the_complete_passing_lesson_only(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "executed"
    good = notebook(lessons / "07_x.ipynb", "print('one')", "x = 2\nx * 21",
                    "from IPython.display import HTML\nHTML('<b>b</b>')")
    bad = notebook(lessons / "08_y.ipynb", "print('one')", "1 / 0", "print('never')")
    partial = notebook(lessons / "09_z.ipynb", "print('a')", "print('b')", "print('c')")
    skipped = notebook(lessons / "10_w.ipynb", "print('a')", "print('b')", tags={1: "nbval-skip"})
    other = notebook(tmp_path / "elsewhere" / "11_v.ipynb", "print('v')")  # not in the lessons folder
    out.mkdir()
    for stale in (bad, partial, skipped):
        (out / stale.name).write_text("an earlier run's copy")
    proc = run_nbval([good, bad, partial, skipped, other], lessons, out, "--deselect", f"{partial.name}::Cell 1")
    assert proc.returncode != 0 and "ZeroDivisionError" in proc.stdout, proc.stdout + proc.stderr
    assert "1 deselected" in proc.stdout and "1 skipped" in proc.stdout, proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["07_x.ipynb"], (
        "only the complete passing lesson may leave a copy (failed, deselected, skipped: none)")
    kept = nbformat.read(out / good.name, as_version=4)
    nbformat.validate(kept)
    code = [c for c in kept.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[0].outputs[0]["output_type"] == "stream" and code[0].outputs[0]["text"] == "one\n"
    assert code[1].outputs[0]["data"]["text/plain"] == "42" and code[1].outputs[0]["execution_count"] == 2
    assert code[2].outputs[0]["data"]["text/html"] == "<b>b</b>"
    assert kept.metadata["executed"]["digest"] == course_site.lesson_digest(good)
    assert kept.cells[0].source == "# A lesson"  # markdown kept as it was


def _root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_copies_are_kept_only_with_the_sessions_own_progress_file_and_no_student_setting(monkeypatch):
    hook = _root_conftest()
    for name in ("ALLIES_KEEP_EXECUTED", "ALLIES_CLASS_DIR", "ALLIES_STUDENT_ID", "JUPYTERHUB_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ALLIES_SUITE_PROGRESS_FILE", raising=False)
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", "/somewhere/a/teachers/progress.json")
    hook.pytest_configure(None)  # keeps the tester's file
    assert os.environ["ALLIES_PROGRESS_FILE"] == "/somewhere/a/teachers/progress.json"
    assert not hook._keeping(), "a progress file the tester chose could be published"
    monkeypatch.delenv("ALLIES_PROGRESS_FILE")
    hook.pytest_configure(None)  # sets a throw-away one, and names it for the workers
    assert hook._keeping()
    assert "allies-test-progress-" in os.environ["ALLIES_PROGRESS_FILE"]
    assert _root_conftest()._keeping(), "a worker (a fresh import, the same environment) must keep copies"
    for name in ("ALLIES_CLASS_DIR", "ALLIES_STUDENT_ID", "JUPYTERHUB_USER"):
        monkeypatch.setenv(name, "x")
        assert not hook._keeping(), name
        monkeypatch.delenv(name)
    monkeypatch.setenv("ALLIES_KEEP_EXECUTED", "0")
    assert not hook._keeping()


STREAM = {"output_type": "stream", "name": "stdout", "text": "kept\n"}


def test_keep_executed_validates_checks_for_changes_and_removes(tmp_path):
    lesson = notebook(tmp_path / "01_y.ipynb", "1 + 1")
    ran = nbformat.read(lesson, as_version=4)
    out = tmp_path / "executed"
    digest = course_site.lesson_digest(lesson)
    result = {"output_type": "execute_result", "metadata": {}, "data": {"text/plain": "2"}, "execution_count": 9}
    path = course_site.keep_executed(lesson, ran, {0: [result]}, digest, out)
    assert path == out / "01_y.ipynb" and not ran.cells[1].outputs, "nbval's own notebook was changed"
    cell = nbformat.read(path, as_version=4).cells[1]
    assert cell.outputs[0]["execution_count"] == 1 and cell.outputs[0]["data"]["text/plain"] == "2"
    assert not list(out.glob(".*.tmp"))
    # an output nbformat rejects: no copy (the site build executes the lesson itself)
    assert course_site.keep_executed(lesson, ran, {0: [{"output_type": "display_data"}]}, digest, out) is None
    assert not path.exists()
    # printed text beside a rich output: nbval's order may not be the real one
    display = {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "x"}}
    assert course_site.keep_executed(lesson, ran, {0: [STREAM, display]}, digest, out) is None
    assert course_site.keep_executed(lesson, ran, {0: [STREAM]}, digest, out) == path
    # the lesson edited during the run: its code no longer what nbval ran, and its digest moved
    notebook(lesson, "1 + 2")
    assert course_site.keep_executed(lesson, ran, {0: [STREAM]}, digest, out) is None and not path.exists()
    # the digest taken at the start no longer matches (an input changed), with the same code
    notebook(lesson, "1 + 1")
    assert course_site.keep_executed(lesson, ran, {0: [STREAM]}, "digest at start", out) is None
    assert course_site.keep_executed(lesson, ran, None, digest, out) is None and not path.exists()


def test_only_fresh_copies_seed_the_execution_cache(tmp_path, monkeypatch):
    from jupyter_cache import get_cache

    lessons, out, build = tmp_path / "lessons", tmp_path / "executed", tmp_path / "build"
    monkeypatch.setattr(course_site, "LESSONS_DIR", lessons)
    fresh = notebook(lessons / "01_a.ipynb", "print('a')")
    stale = notebook(lessons / "02_b.ipynb", "print('b')")
    broken = notebook(lessons / "03_c.ipynb", "print('c')")
    for nb in (fresh, stale, broken):
        course_site.keep_executed(nb, nbformat.read(nb, as_version=4), {0: [STREAM]}, course_site.lesson_digest(nb), out)
    notebook(stale, "print('b changed')")          # edited after the run
    (out / "03_c.ipynb").write_text("{ not json")  # damaged copy
    assert course_site._seed_execution_cache(build, out) == ["01_a.ipynb"]
    cache = get_cache(str(build / "_build" / ".jupyter_cache"))
    _, merged = cache.merge_match_into_notebook(nbformat.read(fresh, as_version=4))
    assert merged.cells[1].outputs[0]["text"] == "kept\n"
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(stale, as_version=4))


def test_the_digest_moves_with_each_input(tmp_path, monkeypatch):
    tree = tmp_path / "repo"
    for rel, text in (("helpers/a.py", "x = 1\n"), ("datasets/d.csv", "a\n1\n"), ("pyproject.toml", "[p]\n"),
                      ("binder/requirements.txt", "pandas==2.0\n")):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    lesson = notebook(tree / "lessons" / "01_a.ipynb", "1")
    other = notebook(tree / "lessons" / "02_b.ipynb", "2")
    monkeypatch.setattr(course_site, "ROOT", tree)
    seen = {course_site.lesson_digest(lesson)}

    def changed(what):
        d = course_site.lesson_digest(lesson)
        assert d not in seen, f"the digest did not change with {what}"
        seen.add(d)

    for rel in ("helpers/a.py", "datasets/d.csv", "pyproject.toml", "binder/requirements.txt"):
        (tree / rel).write_text((tree / rel).read_text() + "# changed\n")
        changed(rel)
    (tree / "helpers" / "new.py").write_text("")
    changed("a new helpers file")
    nb = json.loads(other.read_text())
    nb["metadata"]["lesson"] = {"title": "Another title"}  # lesson 00's syllabus reads this
    other.write_text(json.dumps(nb))
    changed("another lesson's metadata")
    notebook(other, "3")  # another lesson's code: not an input of this one
    assert course_site.lesson_digest(lesson) in seen
    notebook(lesson, "1 + 0")
    changed("the lesson itself")
    monkeypatch.setattr(course_site.sys, "version", "3.99.0 (another Python)")
    changed("the Python version")
