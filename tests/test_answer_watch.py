"""helpers.answer_watch: feedback on screen always belongs to the answer on screen, in
every exercise with controls and a button (driven without a browser, as the kernel sees
it: a value change arriving after the click is how a held-back change looks)."""
from __future__ import annotations

import ipywidgets as w

from helpers import factcheck, threats
from helpers import simulation as sim
from helpers.answer_watch import AnswerWatch


def test_the_watch_calls_back_once_per_verdict_and_only_for_a_different_answer():
    a, b = w.Checkbox(value=False), w.Checkbox(value=False)
    calls = []
    watch = AnswerWatch([a, b], lambda: (a.value, b.value), lambda: calls.append((a.value, b.value)))
    a.value = True  # nothing judged yet: no call
    assert calls == [] and not watch.showing
    watch.judged()
    assert watch.showing
    b.value = True
    b.value = False  # back to the judged answer, but the verdict already gave way: no second call
    assert calls == [(True, True)] and not watch.showing
    watch.judged((True, False))
    a.value = True  # the same value again is no change
    assert calls == [(True, True)] and watch.showing
    watch.forget()
    a.value = False  # after forget (the exercise's own reset): no call
    assert calls == [(True, True)]


def test_the_spotter_feedback_gives_way_when_a_tick_changes_after_compare():
    shown = factcheck.claim_spotter()
    shown.boxes[0].value = True
    shown.check.click()
    assert "agree on" in shown.feedback.value
    shown.boxes[1].value = True
    assert "<strong>Answer changed.</strong>" in shown.feedback.value and "agree on" not in shown.feedback.value
    assert "Press \u201cCompare with the course\u201d again to check your new answer." in shown.feedback.value
    shown.check.click()
    assert "agree on" in shown.feedback.value


def test_the_scale_summary_gives_way_when_a_placement_changes_after_check():
    shown = threats.china_scale_exercise()
    shown.check.click()  # nothing placed: the note is about the empty answer, and gives way too
    assert "Place at least one statement" in shown.feedback.value
    shown.picks[("china_threat_02", "korea")].value = 2
    assert "Answer changed." in shown.feedback.value
    shown.check.click()
    assert "same" in shown.feedback.value
    shown.picks[("china_threat_02", "korea")].value = 3
    assert "Answer changed." in shown.feedback.value and "same" not in shown.feedback.value
    assert shown.positions.value  # the course's positions, once shown, stay


TEAMS = ["Team Blue", "Team Green", "Team Red"]


def _dealt_panel(folder):
    """A class game in ``folder``, dealt; Team Blue's move panel's menu, button and output."""
    host = sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=folder)
    host.deal()
    panel = sim.join("week9", "Team Blue", folder=folder).move_panel()
    return (host, *panel.widget.children[2:])


def test_a_team_is_told_when_its_choice_differs_from_the_move_saved(tmp_path):
    _host, menu, button, out = _dealt_panel(tmp_path)
    other = next(v for _label, v in menu.options if v != "hold")
    menu.value = "hold"
    button.click()
    assert "Move saved for round r1: hold" in out.outputs[0]["text"]
    menu.value = other  # chosen after saving, or arriving after a click that overtook it
    text = out.outputs[0]["text"]
    assert "Your choice has changed since the move saved for round r1" in text and "Submit our move" in text
    assert "Move saved" not in text
    button.click()
    assert f"Move saved for round r1: {other}" in out.outputs[0]["text"]


def test_a_panel_left_on_screen_after_its_round_is_resolved_says_so_and_saves_nothing(tmp_path):
    host, menu, button, out = _dealt_panel(tmp_path)
    menu.value = "hold"
    button.click()
    for team in TEAMS[1:]:
        seat = sim.join("week9", team, folder=tmp_path)
        seat.submit(seat.options()[0][0])
    host.resolve()  # round r1 is over; the panel still shows its menu
    other = next(v for _label, v in menu.options if v != "hold")
    menu.value = other
    assert out.outputs[0]["text"] == "Round r1 has been resolved: run this cell again for the next round.\n"
    moves_before = sorted(p.name for p in (tmp_path / "simulation").rglob("*.json"))
    button.click()
    assert out.outputs[0]["text"].startswith("Round r1 has been resolved")
    assert sorted(p.name for p in (tmp_path / "simulation").rglob("*.json")) == moves_before


def test_feedback_judged_while_the_answer_changed_gets_the_note_at_once():
    """The click judged on another thread than the choice (JupyterLab's comms over
    subshells): the choice already arrived when the feedback was written."""
    box = w.Dropdown(options=["a", "b"], value="b")
    calls = []
    watch = AnswerWatch([box], lambda: box.value, lambda: calls.append(box.value))
    watch.judged("a")  # the click saw "a"; the control holds "b" by now
    assert calls == ["b"] and not watch.showing


def test_a_fresh_but_equal_answer_is_no_change():
    a, b = w.Checkbox(value=True), w.Checkbox(value=False)
    calls = []
    watch = AnswerWatch([a, b], lambda: [a.value], lambda: calls.append("note"))  # a new list each read
    watch.judged()
    b.value = True  # an event, but the answer read is equal (not the same object)
    assert calls == [] and watch.showing


def test_try_again_after_an_empty_check_leaves_no_note(tmp_path, monkeypatch):
    from helpers import quiz

    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    view = quiz.show("00", ids=["start-publisher"])
    qv = view.questions[0]
    qv.check_button.click()  # nothing chosen: "Answer not read."
    assert "Answer not read." in qv.feedback.value
    qv.retry_button.click()
    qv.radio.value = qv.radio.options[0]
    assert qv.feedback.value == ""
