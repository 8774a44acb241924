"""Quiz widgets driven without a browser: set values, click buttons, read the feedback."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from helpers import quiz

BANK = {
    "lesson": "42",
    "title": "Widget test",
    "questions": [
        {"id": "s", "type": "single", "prompt": "Pick B", "explanation": "Because B.", "see": "Lesson 42, part 1",
         "choices": [{"text": "A", "correct": False, "feedback": "Not A."},
                     {"text": "B", "correct": True, "feedback": "Yes, B."},
                     {"text": "C", "correct": False, "feedback": "Not C."}]},
        {"id": "m", "type": "multiple", "prompt": "Pick A and B", "explanation": "A and B.", "see": "Lesson 42",
         "choices": [{"text": "A", "correct": True, "feedback": "fa"}, {"text": "B", "correct": True, "feedback": "fb"},
                     {"text": "C", "correct": False, "feedback": "fc"}]},
        {"id": "n", "type": "numeric", "prompt": "How far?", "answer": 87.4, "tolerance": 1.0, "unit": "km",
         "explanation": "87.4 km.", "see": "Lesson 42"},
        {"id": "o", "type": "ordering", "prompt": "Order", "items": ["one", "two", "three"],
         "explanation": "Count.", "see": "Lesson 42"},
    ],
}


@pytest.fixture
def view(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    path = tmp_path / "42.yaml"
    path.write_text(yaml.safe_dump(BANK, sort_keys=False), encoding="utf-8")
    return quiz.show(path)


def _records(tmp_path):
    text = (tmp_path / "progress.json").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_every_control_is_labelled(view):
    for qv in view.questions:
        for b in (qv.check_button, qv.retry_button, qv.explain_button):
            assert b.description and b.tooltip
        controls = [qv.radio, qv.text, *qv.checkboxes, *qv.dropdowns]
        for c in filter(None, controls):
            # a visible label, and a tooltip saying which question (or which position) it answers
            assert c.description.strip(), c
            assert re.search(r"question \d+|position \d+ of \d+", c.tooltip or ""), (c.description, c.tooltip)
    assert [qv.q["type"] for qv in view.questions] == ["single", "multiple", "numeric", "ordering"]


def test_single_check_feedback_score_and_saved_record(view, tmp_path):
    qv = view.questions[0]
    assert qv.radio.value is None and qv.explain_button.disabled
    qv.radio.value = "A"
    qv.check_button.click()
    assert "Not correct" in qv.feedback.value and "Not A." in qv.feedback.value
    assert 'role="status"' in qv.feedback.value
    assert "Quiz score: 0 of 4" in view.score_line.value and "1 of 4 questions checked" in view.score_line.value
    qv.radio.set_state({"index": 1})  # what a browser click sends
    qv.check_button.click()
    assert "Correct." in qv.feedback.value and "Yes, B." in qv.feedback.value
    assert "Quiz score: 1 of 4" in view.score_line.value
    recs = _records(tmp_path)
    assert [(r["question_id"], r["answer"], r["correct"], r["attempts"]) for r in recs] == [
        ("s", "A", False, 1), ("s", "B", True, 2)]
    assert all(r["lesson"] == "42" and r["timestamp"] for r in recs)


def test_explanation_only_after_an_attempt_and_toggles(view):
    qv = view.questions[0]
    assert qv.explain_button.disabled and qv.explanation.value == ""
    qv.radio.value = "C"
    qv.check_button.click()
    assert not qv.explain_button.disabled
    qv.explain_button.click()
    assert "Because B." in qv.explanation.value and "Lesson 42, part 1" in qv.explanation.value
    assert qv.explain_button.description == "Hide explanation"
    qv.explain_button.click()
    assert qv.explanation.value == ""


def test_try_again_resets_answer_and_feedback(view):
    qv = view.questions[1]
    qv.checkboxes[0].value = True
    qv.checkboxes[2].value = True
    qv.check_button.click()
    assert "Partly correct" not in qv.feedback.value  # (1 - 1) / 2 = 0
    assert "Not correct" in qv.feedback.value and "fc" in qv.feedback.value
    qv.explain_button.click()
    qv.retry_button.click()
    assert [c.value for c in qv.checkboxes] == [False, False, False]
    assert qv.feedback.value == "" and qv.explanation.value == ""
    qv.checkboxes[0].value = True
    qv.check_button.click()
    assert "Partly correct" in qv.feedback.value and "Score 0.5" in qv.feedback.value
    assert "Quiz score: 0.5 of 4" in view.score_line.value


def test_numeric_bad_input_message_is_not_saved(view, tmp_path):
    qv = view.questions[2]
    qv.text.value = "eighty-seven"
    qv.check_button.click()
    assert "Answer not read" in qv.feedback.value and "Type a number in km" in qv.feedback.value
    assert qv.explain_button.disabled
    assert not (tmp_path / "progress.json").exists()
    qv.text.value = "88,4 km"
    qv.check_button.click()
    assert "Correct." in qv.feedback.value
    assert _records(tmp_path)[-1]["answer"] == "88,4 km"
    qv.text.value = "99"
    qv.check_button.click()
    assert "Too high" in qv.feedback.value


def test_ordering_starts_scrambled_then_checks_positions(view):
    qv = view.questions[3]
    start = [d.value for d in qv.dropdowns]
    assert start != ["one", "two", "three"] and sorted(start) == ["one", "three", "two"]
    assert [d.description for d in qv.dropdowns] == ["Position 1:", "Position 2:", "Position 3:"]
    for d, item in zip(qv.dropdowns, ["one", "one", "three"]):
        d.value = item
    qv.check_button.click()
    assert "exactly once" in qv.feedback.value
    for d, item in zip(qv.dropdowns, ["one", "three", "two"]):
        d.value = item
    qv.check_button.click()
    assert "1 of 3 in the right position" in qv.feedback.value and "Score 0.33" in qv.feedback.value
    qv.retry_button.click()
    assert [d.value for d in qv.dropdowns] == start


def test_full_marks_score_line(view):
    a, m, n, o = view.questions
    a.radio.value = "B"
    for c in m.checkboxes:
        c.value = c.description in ("A", "B")
    n.text.value = "87.4"
    for d, item in zip(o.dropdowns, ["one", "two", "three"]):
        d.value = item
    for qv in view.questions:
        qv.check_button.click()
        assert "Correct." in qv.feedback.value
    assert "Quiz score: 4 of 4" in view.score_line.value
    assert view.score == 4


def test_unwritable_progress_still_grades_and_shows_a_notice(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(blocker / "progress.json"))
    v = quiz.show("00", ids=["start-publisher"])
    qv = v.questions[0]
    qv.radio.value = "Asia Times"
    qv.check_button.click()
    assert "Correct." in qv.feedback.value
    assert "not saved" in v.notice.value and v.notice.value.count("<p") == 1


def test_subset_and_unknown_ids(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "p.json"))
    v = quiz.show("00", ids=["start-year", "start-publisher"])
    assert [qv.q["id"] for qv in v.questions] == ["start-year", "start-publisher"]
    with pytest.raises(quiz.QuizError, match="no question 'nope'"):
        quiz.show("00", ids=["nope"])


def test_choices_keep_bank_order_unless_shuffled_with_seed(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "p.json"))
    bank = quiz.load_bank("00")
    multi = [q for q in bank["questions"] if q["type"] == "multiple"][0]
    texts = [c["text"] for c in multi["choices"]]

    def shown(**kw):
        v = quiz.show("00", ids=[multi["id"]], **kw)
        return [c.description for c in v.questions[0].checkboxes]

    assert shown() == texts
    assert shown(seed=5) == texts  # a seed alone does not shuffle
    a, b = shown(shuffle=True, seed=1), shown(shuffle=True, seed=1)
    assert a == b and sorted(a) == sorted(texts)
    assert any(shown(shuffle=True, seed=s) != texts for s in range(5))


def test_display_bundle_has_widget_html_and_text(view):
    bundle = view._repr_mimebundle_()
    assert set(bundle) >= {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"}
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    page = bundle["text/html"]
    for q in BANK["questions"]:
        assert q["prompt"] in page
    visible = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
    assert "Because B." not in visible and "87.4" not in visible and "Because B." in page


def test_feedback_is_in_words_not_colour_alone(view):
    qv = view.questions[2]
    for value, word in (("87.4", "Correct."), ("1", "Not correct."), ("x", "Answer not read.")):
        qv.text.value = value
        qv.check_button.click()
        assert f"<strong>{word}</strong>" in qv.feedback.value


def test_a_verdict_gives_way_when_the_answer_changes_after_check(view, tmp_path):
    """The verdict on screen always belongs to the answer on screen, for every control."""
    s, m, n, o = view.questions
    s.radio.value = "A"
    s.check_button.click()
    assert "Not correct." in s.feedback.value and "Not A." in s.feedback.value
    s.radio.set_state({"index": 1})  # a browser click on B
    assert "<strong>Answer changed.</strong>" in s.feedback.value and "Press Check" in s.feedback.value
    assert "Not correct." not in s.feedback.value and "Not A." not in s.feedback.value
    s.check_button.click()
    assert "Correct." in s.feedback.value and "Yes, B." in s.feedback.value
    # the race of the widget protocol: Check is graded on A (the kernel had not yet
    # received B), then B arrives; the stale verdict must not stay beside B
    s.radio.value = "A"
    s.check_button.click()
    s.radio.set_state({"index": 1})
    assert "Answer changed." in s.feedback.value and "Not A." not in s.feedback.value
    # the same answer set again is no change; choosing the checked answer back is
    s.check_button.click()
    s.radio.set_state({"index": 1})
    assert "Correct." in s.feedback.value
    # a change is a change only after a verdict: before Check nothing is shown
    m.checkboxes[2].value = True
    assert m.feedback.value == ""
    m.check_button.click()
    assert "Not correct." in m.feedback.value
    m.checkboxes[0].value = True
    assert "Answer changed." in m.feedback.value
    n.text.value = "x"
    n.check_button.click()
    assert "Answer not read." in n.feedback.value
    n.text.value = "87.4"
    assert "Answer changed." in n.feedback.value
    o.check_button.click()
    o.dropdowns[0].value = o.dropdowns[1].value
    assert "Answer changed." in o.feedback.value
    # Try again sets values itself: it clears the feedback, no "changed" note
    for qv in view.questions:
        qv.check_button.click()
        qv.retry_button.click()
        assert qv.feedback.value == "", qv.q["id"]
    # the change note is not an attempt: only the readable checks were saved (n's "x" and
    # o's repeated item were not read)
    assert [(r["question_id"], r["correct"]) for r in _records(tmp_path)] == [
        ("s", False), ("s", True), ("s", False), ("s", True), ("m", False), ("o", False),
        ("s", True), ("m", False), ("n", True)]


def test_the_answer_changed_note_is_in_words(view):
    from helpers.quiz.widgets import changed_html

    assert changed_html().count("<strong>") == 1 and 'role="status"' in changed_html()
