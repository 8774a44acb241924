"""The quiz's HTML comes from its templates, with hostile text in every bank field escaped.

Each bank text (lesson, title, prompt, every choice's text and feedback, explanation,
see, unit, numeric feedback, ordering items), each saved-progress text (activity, title,
the file's path) and each answer a student types gets its own marked piece of hostile
HTML. The static copy, the feedback, the explanation and the progress views must show
every piece as text (escaped), never as markup, and must show each one (a field dropped
from the page would pass a "nothing raw" check by accident).
"""
from __future__ import annotations

import json

import ipywidgets
import pytest
import yaml
from markupsafe import escape

from helpers import quiz, render
from helpers.quiz import store
from helpers.quiz.layout import _layout
from helpers.quiz.widgets import feedback_html

TEMPLATES = [
    "quiz/static.html", "quiz/feedback.html", "quiz/explanation.html", "quiz/title.html",
    "quiz/prompt.html", "quiz/multiple_hint.html", "quiz/ordering_items.html", "quiz/notice.html",
    "quiz/score_line.html", "quiz/style.html", "quiz/keyboard.html", "quiz/progress.html",
]


def hostile(field: str) -> str:
    """Markup that would run or break out of an attribute if it came out raw."""
    return f'<img data-f="{field}" src=x onerror="window.__pwned=1">`${{1}}`\'"'


def raw_pieces(page: str) -> list[str]:
    return [piece[:40] for piece in page.split("<img data-f=")[1:]]


def assert_escaped(page: str, fields) -> None:
    assert "<img data-f=" not in page, f"raw markup from: {raw_pieces(page)}"
    assert "onerror=\"" not in page
    missing = [f for f in fields if str(escape(hostile(f))) not in page]
    assert not missing, f"fields not shown (escaped) at all: {missing}"


def _choices(tag: str, n: int, right: set[int]) -> list[dict]:
    return [{"text": hostile(f"{tag}-choice{i}-text"), "correct": i in right,
             "feedback": hostile(f"{tag}-choice{i}-feedback")} for i in range(n)]


def _question(qid: str, qtype: str, **extra) -> dict:
    return {"id": qid, "type": qtype, "prompt": hostile(f"{qid}-prompt"),
            "explanation": hostile(f"{qid}-explanation"), "see": hostile(f"{qid}-see"), **extra}


BANK = {
    "lesson": hostile("lesson"),
    "title": hostile("title"),
    "questions": [
        _question("s", "single", choices=_choices("s", 3, {1})),
        _question("m", "multiple", choices=_choices("m", 3, {0, 1})),
        _question("n", "numeric", answer=87.4, tolerance=1.0, unit=hostile("n-unit"),
                  feedback_low=hostile("n-feedback_low"), feedback_high=hostile("n-feedback_high")),
        _question("o", "ordering", items=[hostile(f"o-item{i}") for i in range(3)]),
    ],
}
BANK_TEXT_FIELDS = (
    ["lesson", "title"]
    + [f"{q}-{f}" for q in "smno" for f in ("prompt", "explanation", "see")]
    + [f"{q}-choice{i}-{f}" for q in "sm" for i in range(3) for f in ("text", "feedback")]
    + ["n-unit"] + [f"o-item{i}" for i in range(3)]
)


@pytest.fixture
def bank():
    return quiz.validate_bank(BANK)


def test_every_quiz_template_is_named_here_and_exists():
    assert sorted(n for n in render.template_names() if n.startswith("quiz/")) == sorted(TEMPLATES)


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_escapes_hostile_values(name):
    """Every template, rendered alone with every text it takes set to hostile text."""
    texts = {k: hostile(k) for k in ("lesson", "title", "prompt", "explanation", "see", "notice", "where",
                                     "alt", "word", "score", "points", "checked", "total", "number")}
    context = {
        **texts, "items": [hostile("item")], "lines": [hostile("line1"), hostile("line2")],
        "colour": "#000", "png": "", "head": [(hostile("head"), "left")],
        "rows": [[(hostile("cell"), "left")]], "questions": [],
        "root": "allies-quiz", "question": "allies-quiz-question", "check": "allies-quiz-check",
        "feedback": "allies-quiz-feedback",
    }
    page = render.render(name, **context)
    assert "<img data-f=" not in page and page.strip()


def test_the_static_copy_escapes_every_bank_field(bank):
    page = quiz.static_html(bank, _layout(bank, None, False, None))
    assert_escaped(page, BANK_TEXT_FIELDS)
    assert page.count("<details>") == 4 and page.count("<li><p>") == 4  # the structure is still markup


def test_the_display_bundle_and_widgets_escape_every_bank_field(bank, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    path = tmp_path / "42.yaml"
    path.write_text(yaml.safe_dump(dict(BANK, lesson="42"), sort_keys=False), encoding="utf-8")
    view = quiz.show(path)
    assert_escaped(view._repr_mimebundle_()["text/html"], [f for f in BANK_TEXT_FIELDS if f != "lesson"])
    html_parts = [c.value for qv in view.questions for c in getattr(qv.control, "children", ())
                  if isinstance(c, ipywidgets.HTML)]
    widget_html = "".join([view.title.value] + [qv.prompt.value for qv in view.questions] + html_parts)
    assert_escaped(widget_html, ["title"] + [f"{q}-prompt" for q in "smno"] + [f"o-item{i}" for i in range(3)])
    for qv in view.questions:
        qv.explain_button.disabled = False
        qv.toggle_explanation()
        assert_escaped(qv.explanation.value, [f"{qv.q['id']}-explanation", f"{qv.q['id']}-see"])


def _answers_and_fields():
    """(question id, answer, fields the feedback must show) covering every feedback text."""
    yield "s", 0, ["s-choice0-feedback"]
    yield "s", 1, ["s-choice1-feedback"]
    yield "s", 2, ["s-choice2-feedback"]
    yield "m", [0, 1, 2], [f"m-choice{i}-{f}" for i in range(3) for f in ("text", "feedback")]
    yield "n", "1", ["n-feedback_low"]
    yield "n", "1000", ["n-feedback_high"]
    yield "n", "87.4", ["n-unit"]
    # what a student typed is quoted back (with repr, so only checked to come out raw-free)
    yield "n", hostile("typed-number"), []
    yield "n", "87 " + hostile("typed-unit"), []
    yield "o", [hostile("typed-item"), 1, 2], []


@pytest.mark.parametrize("qid, answer, fields", list(_answers_and_fields()),
                         ids=[f"{q}-{k}" for k, (q, _, _) in enumerate(_answers_and_fields())])
def test_feedback_escapes_every_text_it_shows(bank, qid, answer, fields, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    q = next(q for q in bank["questions"] if q["id"] == qid)
    result = quiz.check(q, answer)
    page = feedback_html(result)
    assert_escaped(page, fields)
    assert page.startswith('<div role="status"') and page.count("<strong>") == 1


def test_the_feedback_widget_after_check_is_escaped(bank, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    view = quiz.QuizView(bank, _layout(bank, None, False, None))
    single, multiple = view.questions[0], view.questions[1]
    single.radio.value = single.radio.options[0]
    single.check_button.click()
    for box in multiple.checkboxes:
        box.value = True
    multiple.check_button.click()
    assert_escaped(single.feedback.value, ["s-choice0-feedback"])
    assert_escaped(multiple.feedback.value, [f"m-choice{i}-{f}" for i in range(3) for f in ("text", "feedback")])


def test_the_progress_views_escape_activity_title_path_and_notice(tmp_path, monkeypatch):
    folder = tmp_path / hostile("folder").replace("/", "_")
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(folder / "progress.json"))
    monkeypatch.delenv("ALLIES_CLASS_DIR", raising=False)
    assert quiz.record(hostile("activity"), hostile("item"), True, title=hostile("activity-title")) == ""
    with open(folder / "progress.json", "a", encoding="utf-8") as fh:  # damage: the view gets a notice
        fh.write("not json\n")
    page = quiz.progress()._repr_mimebundle_()["text/html"]
    assert "Note:" in page and "damaged" in page
    assert_escaped(page, ["activity", "activity-title"])
    assert str(escape(str(folder))) in page  # the caption's path
    assert '<img alt="Bar chart of your best score per lesson: ' in page  # the chart is still an image


def test_a_save_notice_in_the_quiz_is_escaped(bank, tmp_path, monkeypatch):
    blocker = tmp_path / hostile("blocker").replace("/", "_")
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(blocker / "progress.json"))
    view = quiz.QuizView(bank, _layout(bank, None, False, None))
    qv = view.questions[0]
    qv.radio.value = qv.radio.options[1]
    qv.check_button.click()
    assert "not saved" in view.notice.value
    assert "<img data-f=" not in view.notice.value and str(escape(str(blocker))) in view.notice.value


def test_records_keep_the_text_itself_not_its_escaped_form(tmp_path, monkeypatch):
    """Escaping belongs to the page: the saved answer is what the student chose."""
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    bank = quiz.validate_bank(BANK)
    view = quiz.QuizView(bank, _layout(bank, None, False, None))
    qv = view.questions[0]
    qv.radio.value = qv.radio.options[1]
    qv.check_button.click()
    saved = [json.loads(line) for line in (tmp_path / "progress.json").read_text().splitlines()]
    assert saved[-1]["answer"] == hostile("s-choice1-text")
    assert store.load().records[-1]["lesson"] == hostile("lesson")
