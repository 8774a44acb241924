"""The progress store and the public quiz calls under hostile conditions: no home folder,
a folder as the file, absurd nesting, a BOM, a half-bad JSON list, orphaned temporary files,
a planted lock symlink, and junk arguments. Each gives a plain message or is handled."""
from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import quiz
from helpers.errors import CourseError, ProgressError, QuizError
from helpers.quiz import store




def _rec(lesson="00", qid="q", score=1.0, answer="a"):
    return {"lesson": lesson, "question_id": qid, "score": score, "correct": score == 1.0, "answer": answer,
            "timestamp": "2026-01-01T00:00:00+00:00"}


def _no_home(monkeypatch):
    monkeypatch.delenv("ALLIES_PROGRESS_FILE", raising=False)
    monkeypatch.delenv("HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(store.Path, "home", staticmethod(no_home))


@pytest.mark.parametrize("setting", ["no-home", "~nosuchuser_allies/p.json", "/", ".", "folder"])
def test_an_unusable_progress_location_gives_a_plain_message_everywhere(setting, monkeypatch, tmp_path):
    if setting == "no-home":
        _no_home(monkeypatch)
    else:
        monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path) if setting == "folder" else setting)
    with pytest.raises(ProgressError) as err:
        store.progress_path()
    assert "ALLIES_PROGRESS_FILE" in str(err.value)
    saved = store.append(_rec())
    assert not saved.saved and "not saved" in saved.notice and "ALLIES_PROGRESS_FILE" in saved.notice
    assert "not saved" in quiz.record("08-factcheck", "ac01", True)
    rows, notice = quiz.progress_table()  # the progress view shows the message instead of a table
    assert "ALLIES_PROGRESS_FILE" in notice and all(r["answered"] == 0 for r in rows)
    with pytest.raises(ProgressError, match="ALLIES_PROGRESS_FILE"):
        quiz.export_progress(tmp_path / "out.csv")


def test_a_check_callback_still_answers_without_a_home(monkeypatch):
    _no_home(monkeypatch)
    view = quiz.show("00")
    first = view.questions[0] if hasattr(view, "questions") else None
    assert first is not None
    first.check()  # runs the same path as the Check button; must not raise


def test_absurdly_deep_json_line_is_moved_aside_not_fatal(pfile):
    pfile.parent.mkdir(parents=True)
    good = json.dumps(_rec(qid="kept"))
    pfile.write_text(good + "\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    report = store.load()
    assert [r["question_id"] for r in report.records] == ["kept"] and report.notice
    assert list(pfile.parent.glob("progress.json.corrupt-*"))
    assert store.append(_rec(qid="next")).saved


def test_a_deeply_nested_answer_is_refused_with_a_notice(pfile):
    deep = []
    for _ in range(5000):
        deep = [deep]
    saved = store.append(_rec(answer=deep))
    assert not saved.saved and "nested too deeply" in saved.notice
    assert store.append(_rec(qid="after")).saved
    assert [r["question_id"] for r in store.load().records] == ["after"]


def test_a_byte_order_mark_does_not_cost_the_first_record(pfile):
    pfile.parent.mkdir(parents=True)
    lines = [json.dumps(_rec(qid=f"q{i}")) for i in range(3)]
    pfile.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n")
    report = store.load()
    assert [r["question_id"] for r in report.records] == ["q0", "q1", "q2"] and report.notice is None


def test_a_json_list_with_one_bad_element_keeps_the_good_ones(pfile):
    pfile.parent.mkdir(parents=True)
    pfile.write_text(json.dumps([_rec(qid="a"), {"junk": 1}, _rec(qid="b")]), encoding="utf-8")
    report = store.load()
    assert [r["question_id"] for r in report.records] == ["a", "b"] and report.notice
    assert [r["question_id"] for r in store.load().records] == ["a", "b"], "the repaired file keeps them"


def test_orphaned_temporary_files_are_cleaned_up(pfile):
    pfile.parent.mkdir(parents=True)
    orphan = pfile.parent / "progress.json.abc123.tmp"
    orphan.write_bytes(b"x" * 512_000)
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    fresh = pfile.parent / "progress.json.def456.tmp"
    fresh.write_bytes(b"y")
    other = pfile.parent / "notes.abc.tmp"
    other.write_bytes(b"z")
    os.utime(other, (old, old))
    assert store.append(_rec()).saved
    assert not orphan.exists(), "a killed writer's leftover is removed"
    assert fresh.exists() and other.exists(), "a file that may be in use, or is not ours, is left alone"


def test_a_planted_lock_symlink_creates_nothing_outside(pfile, tmp_path):
    pfile.parent.mkdir(parents=True)
    target = tmp_path / "elsewhere" / "owned.txt"
    target.parent.mkdir()
    os.symlink(target, pfile.with_name("progress.json.lock"))
    assert store.append(_rec()).saved
    assert not target.exists()


@pytest.mark.parametrize("call", [
    lambda: quiz.reset_progress("x"),
    lambda: quiz.reset_progress(["03"]),
    lambda: quiz.reset_progress(3.5),
    lambda: quiz.show("03", ids=123),
    lambda: quiz.show("03", ids=[1, 2]),
    lambda: quiz.record("08-factcheck", "ac01", True, score="x"),
    lambda: quiz.record("08-factcheck", "ac01", True, score=7),
    lambda: quiz.export_progress(None),
    lambda: quiz.export_progress(""),
], ids=["reset-x", "reset-list", "reset-float", "ids-int", "ids-ints", "score-text", "score-7", "export-none", "export-empty"])
def test_junk_arguments_give_a_course_error(call, pfile):
    with pytest.raises(CourseError) as err:
        call()
    assert isinstance(err.value, (ProgressError, QuizError)) and str(err.value)


def test_reset_takes_an_activity_name_the_progress_table_lists(pfile):
    quiz.record("08-factcheck", "ac01", True)
    store.append(_rec(lesson="03"))
    msg = quiz.reset_progress("08-factcheck")
    assert "Removed 1" in msg and "activity 08-factcheck" in msg
    assert [r["lesson"] for r in store.load().records] == ["03"]
    assert "Removed 1" in quiz.reset_progress(3) and "lesson 03" in quiz.reset_progress.__doc__ + "lesson 03"


def test_export_to_a_folder_names_the_problem(pfile, tmp_path):
    with pytest.raises(ProgressError, match="is a folder"):
        quiz.export_progress(tmp_path)


LINE = st.one_of(
    st.builds(lambda q, s: json.dumps(_rec(qid=q, score=s)), st.text(min_size=1, max_size=8), st.sampled_from([0.0, 0.5, 1.0])),
    st.binary(max_size=40).filter(lambda b: b"\n" not in b),
    st.just("{"), st.just("[]"), st.just('{"lesson": 3}'), st.just("\ufeff"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(LINE, max_size=12))
def test_any_damage_keeps_every_recoverable_record(lines, pfile):
    pfile.parent.mkdir(parents=True, exist_ok=True)
    for leftover in pfile.parent.iterdir():
        leftover.unlink()
    raw = b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines)
    pfile.write_bytes(raw)
    expected = []
    for line in raw.split(b"\n"):
        try:
            obj = json.loads(line.decode("utf-8").lstrip("\ufeff"))
        except (UnicodeDecodeError, ValueError):
            continue
        if store._is_record(obj):
            expected.append(obj["question_id"])
    got = [r["question_id"] for r in store.load().records]
    assert got == expected
    assert store.append(_rec(qid="new")).saved
    assert [r["question_id"] for r in store.load().records] == expected + ["new"]


@pytest.mark.parametrize("call", [
    lambda: __import__("helpers.timeline", fromlist=["x"]).timeline(start=float("inf")),
    lambda: __import__("helpers.timeline", fromlist=["x"]).timeline(end="soon"),
    lambda: __import__("helpers.positions", fromlist=["x"]).compare_accounts(["a"]),
    lambda: __import__("helpers.positions", fromlist=["x"]).show_positions({"topic": 1}),
], ids=["timeline-inf", "timeline-text", "accounts-list", "positions-dict"])
def test_junk_arguments_to_lesson_helpers_give_a_course_error(call):
    with pytest.raises(CourseError):
        call()


def test_progress_summary_reads_right_for_an_activity_and_refreshes(pfile):
    quiz.record("08-factcheck", "ac01", True)
    quiz.record("08-factcheck", "ac02", True)
    view = quiz.progress()
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle, "a live Refresh button where widgets run"
    page = bundle["text/html"]
    assert "of ?" not in page and "/?" not in page and "2 checked" in page
    assert "2 checked answered, 100%" in bundle["text/plain"]
    store.append(_rec(lesson="00", qid="start-year"))
    box = view._widget()
    box.children[0].click()
    assert "Lesson 00" in view._text() and "00" in box.children[1].value


def test_progress_chart_axis_ends_at_100_percent(pfile, monkeypatch):
    from matplotlib.figure import Figure

    from helpers.quiz.progress_views import _chart_png

    seen = {}
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        seen["xlim"] = tuple(self.axes[0].get_xlim())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    _chart_png([{"lesson": "00", "title": "t", "answered": 1, "total": 6, "score_pct": 100.0, "last_activity": None}])
    assert seen["xlim"] == (0.0, 100.0)


def test_progress_view_shows_a_note_not_a_crash_without_a_home(monkeypatch):
    monkeypatch.delenv("ALLIES_PROGRESS_FILE", raising=False)
    monkeypatch.setattr(store.Path, "home", staticmethod(lambda: (_ for _ in ()).throw(RuntimeError("no home"))))
    page = quiz.progress()._repr_mimebundle_()["text/html"]
    assert "ALLIES_PROGRESS_FILE" in page


def test_a_long_activity_id_is_shortened_on_the_chart_and_lays_out_without_a_warning(monkeypatch):
    import warnings

    from matplotlib.figure import Figure

    from helpers.quiz.progress_views import _chart_png

    seen = {}
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        seen["labels"] = [t.get_text() for t in self.axes[0].get_yticklabels()]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    row = {"answered": 1, "total": None, "score_pct": 50.0, "title": "t", "last_activity": None}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "Tight layout not applied" fails the test
        png = _chart_png([{**row, "lesson": "06"}, {**row, "lesson": "a-teacher's-own-activity-" + "x" * 200}])
    assert png.startswith(b"\x89PNG")
    assert seen["labels"] == ["Lesson 06", "Lesson a-teacher's-own-\u2026"]
    assert all(len(label) <= 24 for label in seen["labels"])


@pytest.mark.parametrize("ids", [
    ["teacher-activity-part-one", "teacher-activity-part-two", "teacher-activity-part-three"],
    ["cost $\\frac$ x", "W" * 17, "m" * 17],
], ids=["shortened-alike", "dollar-and-wide-letters"])
def test_every_row_keeps_its_own_bar_and_label_whatever_the_ids_and_font_size(monkeypatch, ids):
    import warnings

    import matplotlib
    from matplotlib.figure import Figure

    from helpers.quiz.progress_views import _chart_png

    seen = {}
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        ax = self.axes[0]
        seen["ticks"] = [t.get_text() for t in ax.get_yticklabels()]
        seen["bars"] = sorted(round(p.get_y() + p.get_height() / 2) for p in ax.patches)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    rows = [{"lesson": i, "answered": 1, "total": None, "score_pct": 50.0, "title": "t", "last_activity": None}
            for i in ids]
    with warnings.catch_warnings(), matplotlib.rc_context({"font.size": 12}):
        warnings.simplefilter("error")  # a layout warning or a maths parse error fails the test
        _chart_png(rows)
    assert len(seen["ticks"]) == 3 and seen["bars"] == [0, 1, 2]
    assert seen["ticks"][0] == (f"Lesson {ids[0]}"[:23].rstrip() + "\u2026" if len(ids[0]) > 17 else f"Lesson {ids[0]}")
