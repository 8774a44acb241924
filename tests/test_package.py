"""The helpers package: light to import, independent of the working directory, friendly errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.errors import DatasetError

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_import_helpers_does_not_import_heavy_libraries(tmp_path):
    out = _run(
        "import sys, json, helpers; print(json.dumps(sorted(m for m in "
        "('pandas','matplotlib','folium','ipywidgets','yaml','geographiclib') if m in sys.modules)))",
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_paths_do_not_depend_on_the_working_directory(tmp_path):
    code = "import helpers; print(helpers.DATASETS_DIR); print(helpers.QUIZ_DIR)"
    here = _run(code, ROOT).stdout
    elsewhere = _run(code, tmp_path).stdout
    assert here == elsewhere
    assert Path(here.splitlines()[0]) == ROOT / "datasets"


def test_syllabus_lists_every_lesson_file():
    from helpers import course

    files = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert [m["file"] for m in course.lessons()] == files
    text = course.syllabus_text()
    assert all(m["title"] in text for m in course.lessons())
    assert text.splitlines()[-1].startswith(f"{len(files)} lessons")


def test_environment_report_names_missing_packages(monkeypatch):
    from helpers import course

    monkeypatch.setattr(course, "PACKAGES_TO_REPORT", ("ipywidgets", "surely-not-a-package-xyz"))
    report = course.environment_report()
    assert "surely-not-a-package-xyz" in report and "not installed" in report
    assert "make lab" in report


def test_widget_check_answers_a_click_and_has_a_static_fallback():
    from helpers import course

    shown = course.widget_check()
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "not running here" in bundle["text/html"]
    button, answer = shown.widget.children
    assert "Not clicked" in answer.value
    button.click()
    button.click()
    assert "2 times" in answer.value


def test_course_errors_fail_the_cell_with_a_message_not_a_traceback():
    """In a real kernel: the cell errors (Run All stops, nbval notices), the output is the message."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from helpers import data\ndata.load_dataset('placse')"),
        nbformat.v4.new_code_cell("%tb"),
        nbformat.v4.new_code_cell("1 / 0"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    course_error, full, plain_error = (c.outputs for c in nb.cells)
    assert [o.output_type for o in course_error] == ["error"]
    text = "\n".join(course_error[0].traceback)
    assert "A course dataset could not be loaded" in text and "Did you mean 'places'" in text
    assert "Traceback" not in text and "data.py" not in text
    # Errors that are not the course's own keep IPython's usual traceback ...
    assert "Traceback" in "\n".join(plain_error[0].traceback)
    # ... and the full traceback of a course error is one %tb away.
    assert "data.py" in "\n".join(full[0].traceback)


def test_friendly_errors_install_only_inside_ipython():
    from helpers.errors import CourseError, install_friendly_errors

    assert install_friendly_errors() is False  # plain pytest: nothing to install into
    assert issubclass(DatasetError, CourseError)


@pytest.mark.parametrize("value,expected", [(2019, 2019), ("2019", 2019), (2019.0, 2019)])
def test_whole_year_accepts_the_forms_students_type(value, expected):
    from helpers.errors import whole_year

    assert whole_year(value, "start year") == expected


@pytest.mark.parametrize("value", [True, 2019.5, "twenty", None, [2019]])
def test_whole_year_refuses_anything_else_with_a_plain_message(value):
    from helpers.errors import QuizError, whole_year

    with pytest.raises(QuizError, match=r"^The start year must be a whole number such as 2019, not "):
        whole_year(value, "start year", QuizError)
