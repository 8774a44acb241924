"""The quiz in a real JupyterLab 4 (headless Chromium): keyboard use and narrow screens.

- Keyboard only: from a choice, the arrow keys move between the choices (they used to
  move JupyterLab to another cell, and the next Enter pressed a cell toolbar button), Tab
  reaches Check, Enter checks, and the feedback is brought into view though it started
  below the visible part of the notebook.
- At 800 x 900 with the side panel open, long choices (single and multiple) wrap without
  running into each other, and no question becomes a scroll box of its own.

The notebook and its bank are written to a temporary folder that JupyterLab serves.
Every wait is for a condition (the quiz's keyboard script installed, the feedback
shown, the page scrolled), never for a fixed time. Without Chromium the tests skip,
except under ``CI=true`` (conftest.py).
"""
from __future__ import annotations


import json
import urllib.request

import pytest

from conftest import browser_missing, skip_or_fail
from tools.screenshots import ARTIFACTS, lab_server, open_notebook, run_all, wait_run_finished

pytestmark = pytest.mark.browser

WRAP = ("a long choice that has to wrap onto more lines on a narrow screen, as the lesson "
        "banks' choices do when the side panel is open")
HOSTILE = '<img src=x onerror="window.__pwned=1">`${1}`'
BANK = {
    "lesson": "42",
    "title": "Keyboard and narrow screens",
    "questions": [
        {"id": "single", "type": "single", "prompt": f"Which is the second? {HOSTILE}",
         "explanation": "It is listed second.", "see": "This test",
         "choices": [{"text": f"First: {WRAP}", "correct": False, "feedback": "That is the first."},
                     {"text": f"Second: {WRAP}", "correct": True, "feedback": "Yes, the second one."},
                     {"text": f"Third: {WRAP} {HOSTILE}", "correct": False, "feedback": "That is the third."}]},
        {"id": "multiple", "type": "multiple", "prompt": "Tick the first two.",
         "explanation": "Alpha and Beta.", "see": "This test",
         "choices": [{"text": f"Alpha: {WRAP}", "correct": True, "feedback": "Alpha is one."},
                     {"text": f"Beta: {WRAP}", "correct": True, "feedback": "Beta is one."},
                     {"text": f"Gamma: {WRAP}", "correct": False, "feedback": "Gamma is not."}]},
    ],
}
NOTEBOOK = "quiz_browser.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    missing = browser_missing()
    if missing:
        skip_or_fail(missing)
    import nbformat
    import yaml

    root = tmp_path_factory.mktemp("quiz-browser")
    bank = root / "42.yaml"
    bank.write_text(yaml.safe_dump(BANK, sort_keys=False, allow_unicode=True), encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [
        # a long cell first, as in a lesson: the notebook can then scroll a Check button to its bottom edge
        nbformat.v4.new_markdown_cell("# Quiz in the browser\n\n"
                                      + "\n\n".join(f"Line {n} of a long cell before the quiz." for n in range(40))),
        nbformat.v4.new_code_cell(f"from helpers import quiz\nquiz.show({str(bank)!r})"),
        nbformat.v4.new_markdown_cell("A cell after the quiz."),
    ]
    nbformat.write(nb, root / NOTEBOOK)
    with lab_server(root) as s:
        yield s


@pytest.fixture
def page(offline_page):
    """conftest's offline page (CDNs served locally, JavaScript errors collected)."""
    offline_page.set_default_timeout(30_000)
    return offline_page


def _open_quiz(page, server, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_notebook(page, server, NOTEBOOK)
    run_all(page)
    wait_run_finished(page, 120)
    page.locator(".allies-quiz .widget-radio-box input[type=radio]").first.wait_for(state="visible")
    # the quiz's keyboard script (helpers/templates/quiz/keyboard.html) has run
    page.wait_for_function("() => window.alliesQuizKeyboard === true")


NOTEBOOK_STATE_JS = """() => {
  const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell'));
  return {cells: cells.length, active: cells.findIndex(c => c.classList.contains('jp-mod-active'))};
}"""

FOCUS_JS = """() => {
  const a = document.activeElement;
  const radios = Array.from(document.querySelectorAll('.allies-quiz .allies-quiz-question')[0]
                              .querySelectorAll('.widget-radio-box input[type=radio]'));
  return {radio: radios.indexOf(a), checked: radios.findIndex(r => r.checked),
          check: !!(a && a.classList.contains('allies-quiz-check')), inQuiz: !!(a && a.closest('.allies-quiz'))};
}"""

# Where the element is against the nearest box that scrolls it and against the window.
IN_VIEW_JS = """(el) => {
  let s = el.parentElement;
  while (s && !(/(auto|scroll)/.test(getComputedStyle(s).overflowY) && s.scrollHeight > s.clientHeight)) s = s.parentElement;
  const r = el.getBoundingClientRect(), v = s ? s.getBoundingClientRect() : {top: 0, bottom: innerHeight};
  const top = Math.max(v.top, 0), bottom = Math.min(v.bottom, innerHeight);
  return {inView: r.height > 0 && r.top >= top - 1 && r.bottom <= bottom + 1, below: r.top >= bottom - 1,
          top: r.top, bottom: r.bottom, viewTop: top, viewBottom: bottom};
}"""


def test_a_question_is_answered_with_the_keyboard_alone_and_its_feedback_comes_into_view(page, server):
    _open_quiz(page, server, 1000, 700)
    question = page.locator(".allies-quiz .allies-quiz-question").first
    radios = question.locator(".widget-radio-box input[type=radio]")
    assert radios.count() == 3
    radios.first.focus()  # where Tab lands on the first choice
    page.keyboard.press("Space")
    before = page.evaluate(NOTEBOOK_STATE_JS)
    steps = [("ArrowDown", 1), ("ArrowDown", 2), ("ArrowDown", 0), ("ArrowUp", 2), ("ArrowUp", 1)]
    for key, expected in steps:
        page.keyboard.press(key)
        state = page.evaluate(FOCUS_JS)
        assert (state["radio"], state["checked"]) == (expected, expected), (
            f"after {key}: focus on choice {state['radio']}, choice {state['checked']} chosen "
            f"(expected {expected}); focus in the quiz: {state['inQuiz']}")
        assert page.evaluate(NOTEBOOK_STATE_JS) == before, f"{key} acted on the notebook, not the quiz"
    for key in ("a", "b", "Enter", "Space"):  # notebook shortcuts in command mode: insert above/below, edit
        page.keyboard.press(key)
        assert page.evaluate(NOTEBOOK_STATE_JS) == before, f"{key!r} on a choice acted on the notebook"
        assert page.evaluate(FOCUS_JS)["radio"] == 1, f"{key!r} on a choice moved the focus out of the choices"
    page.keyboard.press("Tab")  # the choices are one group: the next Tab reaches Check
    assert page.evaluate(FOCUS_JS)["check"], "Tab from the chosen answer did not reach Check"
    check = question.locator("button.allies-quiz-check")
    feedback = question.locator(".allies-quiz-feedback")
    # put Check at the bottom edge of the notebook, so the feedback starts out of sight
    check.evaluate("b => b.scrollIntoView({block: 'end'})")
    where = feedback.evaluate(IN_VIEW_JS)
    assert where["below"], f"the set-up did not put the feedback below the visible area: {where}"
    page.keyboard.press("Enter")
    page.wait_for_function("(el) => el.innerText.includes('Correct.') && el.innerText.includes('Yes, the second one.')",
                           arg=feedback.element_handle())
    try:
        page.wait_for_function(f"(el) => ({IN_VIEW_JS})(el).inView", arg=feedback.element_handle(), timeout=10_000)
    except Exception:
        raise AssertionError(f"the feedback stayed out of view: {feedback.evaluate(IN_VIEW_JS)}") from None
    assert page.evaluate(NOTEBOOK_STATE_JS) == before, "Enter acted on the notebook (a cell was added or left)"
    def mine(records):
        return [(r.get("question_id"), r.get("correct")) for r in records if r.get("lesson") == "42"]

    saved = mine(server.wait_progress(lambda records: mine(records)[-1:] == [("single", True)]))
    assert saved[-1:] == [("single", True)], saved
    # choosing another answer after Check: the verdict on screen gives way to a note
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")
    try:
        page.wait_for_function("(el) => el.innerText.includes('Answer changed.')", arg=feedback.element_handle(),
                               timeout=20_000)
    except Exception:
        raise AssertionError(f"the verdict stayed after the answer changed: {feedback.inner_text()!r}") from None
    assert "Correct." not in feedback.inner_text()
    assert page.evaluate("() => window.__pwned") is None, "bank text ran as markup in the page"
    page.screenshot(path=str(_artifact("quiz_keyboard.png")))
    assert not page.console_errors, page.console_errors


# Each choice's text (its own extent, not its box's) and every box in the quiz that scrolls.
LAYOUT_JS = """() => {
  const quiz = document.querySelector('.allies-quiz');
  const texts = (q) => Array.from(q.querySelectorAll('.widget-radio-box label, .widget-checkbox .widget-label-basic'))
    .map(label => { const range = document.createRange(); range.selectNodeContents(label);
                    const r = range.getBoundingClientRect();
                    return {text: label.innerText.slice(0, 12), top: r.top, bottom: r.bottom, lines: Math.round(r.height / 15),
                            clipped: label.scrollHeight > label.clientHeight + 1}; });
  const scrollers = Array.from(quiz.querySelectorAll('*')).filter(e => {
    const s = getComputedStyle(e);
    return (/(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
        || (/(auto|scroll)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1);
  }).map(e => e.className);
  const side = document.querySelector('#jp-left-stack');
  return {width: quiz.getBoundingClientRect().width, side: !!side && side.getBoundingClientRect().width > 100,
          questions: Array.from(quiz.querySelectorAll('.allies-quiz-question')).map(texts), scrollers};
}"""


def test_on_a_narrow_screen_with_the_side_panel_open_choices_wrap_apart_and_nothing_scrolls_inside(page, server):
    _open_quiz(page, server, 800, 900)
    side = page.locator("#jp-left-stack")
    if not (side.is_visible() and side.bounding_box()["width"] > 100):
        page.locator(".jp-SideBar.jp-mod-left li[data-id='filebrowser']").click()
        page.wait_for_function("() => document.querySelector('#jp-left-stack').getBoundingClientRect().width > 100")
    page.locator(".allies-quiz .widget-checkbox").last.scroll_into_view_if_needed()
    layout = page.evaluate(LAYOUT_JS)
    page.screenshot(path=str(_artifact("quiz_800px.png")))
    assert layout["side"] and layout["width"] < 500, f"not the narrow case: quiz {layout['width']} px wide"
    for n, choices in enumerate(layout["questions"], 1):
        assert len(choices) == 3
        assert all(c["lines"] >= 2 for c in choices), f"question {n}: the long choices did not wrap: {choices}"
        assert not [c for c in choices if c["clipped"]], f"question {n}: a choice's text is cut off: {choices}"
        for a, b in zip(choices, choices[1:]):
            assert b["top"] >= a["bottom"] - 0.5, f"question {n}: {b['text']!r} runs into {a['text']!r}: {choices}"
    assert layout["scrollers"] == [], f"boxes inside the quiz scroll on their own: {layout['scrollers']}"
    assert not page.console_errors, page.console_errors


def _artifact(name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def test_the_jupyterlab_under_test_has_the_course_defaults(server):
    """The schema JupyterLab serves carries the course's default (binder/labconfig): widget
    messages reach the kernel's main thread in the order they were sent, as for students
    (tests/test_lab_settings.py checks the file and how it is installed)."""
    url = server.url("/lab/api/settings/@jupyterlab/apputils-extension:kernels-settings")
    with urllib.request.urlopen(url, timeout=30) as r:
        schema = json.load(r)["schema"]
    assert schema["properties"]["commsOverSubshells"]["default"] == "disabled"
