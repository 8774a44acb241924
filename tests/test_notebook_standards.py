"""The notebook standard holds for every lesson, and its check catches what it should."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import notebook_standards as ns

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_lessons():
    assert LESSONS, "no lessons found in lessons/"
    assert LESSONS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_is_in_committed_form(path):
    assert ns.check_notebook(path) == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_has_a_checked_data_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert any(c["cell_type"] == "code" and ns.is_checked(c) for c in nb["cells"])


def _good_notebook() -> dict:
    return json.loads((ROOT / "lessons" / "00_start_here.ipynb").read_text(encoding="utf-8"))


def _write(tmp_path, nb, name="00_start_here.ipynb"):
    path = tmp_path / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_good_copy_passes(tmp_path):
    assert ns.check_notebook(_write(tmp_path, _good_notebook())) == []


def test_stray_output_is_caught(tmp_path):
    nb = _good_notebook()
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and not ns.is_checked(c))
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}]
    cell["execution_count"] = 3
    problems = ns.check_notebook(_write(tmp_path, nb))
    assert any("keeps outputs" in p for p in problems)
    assert any("execution count" in p for p in problems)


def test_the_marker_comment_students_would_read_is_caught(tmp_path):
    nb = _good_notebook()
    cell = next(c for c in nb["cells"] if ns.is_checked(c))
    cell["source"] = ["# NBVAL_CHECK_OUTPUT\n"] + list(cell["source"])
    assert any("tag the cell" in p for p in ns.check_notebook(_write(tmp_path, nb)))


def test_image_in_checked_cell_is_caught(tmp_path):
    nb = _good_notebook()
    cell = next(c for c in nb["cells"] if ns.is_checked(c))
    cell["outputs"].append({"output_type": "display_data", "data": {"image/png": "AAAA"}, "metadata": {}})
    assert any("display_data" in p for p in ns.check_notebook(_write(tmp_path, nb)))


def test_checked_cell_without_count_is_caught(tmp_path):
    nb = _good_notebook()
    cell = next(c for c in nb["cells"] if ns.is_checked(c))
    cell["execution_count"] = None
    assert any("no execution count" in p for p in ns.check_notebook(_write(tmp_path, nb)))


@pytest.mark.parametrize("key", ["title", "objectives", "minutes", "prerequisites", "number"])
def test_missing_metadata_is_caught(tmp_path, key):
    nb = _good_notebook()
    del nb["metadata"]["lesson"][key]
    problems = ns.check_notebook(_write(tmp_path, nb))
    assert any(f"'{key}'" in p for p in problems)


def test_missing_section_is_caught(tmp_path):
    nb = _good_notebook()
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = [line.replace("## Sources", "## Reading") for line in cell["source"]]
    assert any("Sources" in p for p in ns.check_notebook(_write(tmp_path, nb)))


def test_widget_state_and_wrong_kernel_are_caught(tmp_path):
    nb = _good_notebook()
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    nb["metadata"]["kernelspec"]["name"] = "conda-env-x"
    problems = ns.check_notebook(_write(tmp_path, nb))
    assert any("widget state" in p for p in problems)
    assert any("kernelspec" in p for p in problems)


def test_number_must_match_file_name(tmp_path):
    assert any("does not match" in p for p in ns.check_notebook(_write(tmp_path, _good_notebook(), "07_x.ipynb")))


def test_strip_puts_a_notebook_into_form(tmp_path):
    nb = _good_notebook()
    dirty = copy.deepcopy(nb)
    dirty["metadata"]["widgets"] = {"state": {}}
    for n, cell in enumerate(c for c in dirty["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = n + 1
        cell["outputs"] = [
            {"output_type": "stream", "name": "stdout", "text": ["x\n"]},
            {"output_type": "display_data", "data": {"image/png": "AAAA", "text/plain": ["<Figure>"]}, "metadata": {}},
        ]
    path = _write(tmp_path, dirty)
    assert ns.check_notebook(path)
    ns.write_notebook(path, ns.strip_notebook(dirty))
    assert ns.check_notebook(path) == []
    stripped = json.loads(path.read_text(encoding="utf-8"))
    checked = [c for c in stripped["cells"] if c["cell_type"] == "code" and ns.is_checked(c)]
    assert checked and all(c["outputs"] == [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}] for c in checked)


def test_command_line_check_exits_nonzero_on_a_bad_notebook(tmp_path):
    nb = _good_notebook()
    del nb["metadata"]["lesson"]
    path = _write(tmp_path, nb)
    tool = [sys.executable, "-m", "tools.notebook_standards"]  # as `make check-notebooks` runs it
    bad = subprocess.run([*tool, "check", str(path)], capture_output=True, text=True, cwd=ROOT)
    good = subprocess.run([*tool, "check", str(LESSONS[0])], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "no 'lesson' entry" in bad.stdout
    assert good.returncode == 0, good.stdout


def test_prerequisites_name_earlier_lessons_by_number_and_title():
    from helpers import course

    titles = {m["number"]: m["title"] for m in course.lessons()}
    for m in course.lessons():
        for pre in m["prerequisites"]:
            number = pre[:2]
            assert number in titles and number < m["number"], f"{m['file']}: {pre!r} is not an earlier lesson"
            assert pre == f"{number} {titles[number]}", f"{m['file']}: write {pre!r} as '{number} {titles[number]}'"


def test_unescaped_dollar_in_markdown_is_caught(tmp_path):
    """'$300 million ... $200 million' in one cell is typeset by JupyterLab as maths."""
    nb = _good_notebook()
    md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    md["source"] = list(md["source"]) + ["\n", "Japan gave \\$300 million and `$x` in code; "]
    assert not any("'$'" in p for p in ns.check_notebook(_write(tmp_path, nb)))
    md["source"] = list(md["source"]) + ["then $200 million more."]
    assert any("unescaped '$'" in p for p in ns.check_notebook(_write(tmp_path, nb)))


def test_two_escaped_dollars_in_one_paragraph_are_caught(tmp_path):
    """JupyterLab 4 typesets the text between two escaped \\$ of one paragraph as maths too."""
    nb = _good_notebook()
    md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    base = list(md["source"])
    md["source"] = base + ["\n\n", "A quotation: 'a \\$800 million package'.\n\n", "Then USD 300 million."]
    assert not any("two '$'" in p for p in ns.check_notebook(_write(tmp_path, nb)))
    md["source"] = base + ["\n\n", "Japan gave US\\$300 million and US\\$200 million in loans."]
    assert any("two '$' in one paragraph" in p for p in ns.check_notebook(_write(tmp_path, nb)))
