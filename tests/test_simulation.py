"""Classroom simulations: scenarios validate and are sourced, games play end to end,
in one room and through the class folder, and no team sees another's brief or moves."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import COURSE_DIR
from helpers import simulation as sim
from helpers.errors import CourseError
from helpers.simulation import class_play, scenarios

SCENARIOS = sim.list_scenarios()
TEAMS = ["Team Blue", "Team Green", "Team Red"]


def test_the_scenarios_are_there():
    assert {"gsomia_2019", "crisis_2026"} <= set(SCENARIOS)


def test_open_scenario_has_a_hypothetical_premise_and_a_rubric():
    sc = sim.load_scenario("crisis_2026")
    assert sc["kind"] == "open" and sc["premise"].startswith("HYPOTHETICAL")
    assert "Premise: HYPOTHETICAL" in sim.setting_text(sc)
    assert len(sc["debrief"]["rubric"]) >= 3
    problems = _bad(lambda s: s.update(kind="open"))  # a historical file declared open
    assert any("premise: an open scenario needs a premise" in p for p in problems)
    assert any("debrief.rubric: an open scenario needs a rubric" in p for p in problems)


def test_advanced_brief_adds_to_the_basic_one():
    sc = sim.load_scenario("crisis_2026")
    for role in ("seoul", "tokyo", "washington"):
        basic = sim.brief_text(sc, role).splitlines()
        advanced = sim.brief_text(sc, role, "advanced")
        assert advanced.startswith("Confidential brief (advanced)")
        assert all(line in advanced for line in basic[1:] if line.startswith("- "))
        assert len(advanced.splitlines()) > len(basic)
    with pytest.raises(CourseError, match="'basic' or 'advanced'"):
        sim.brief_text(sc, "seoul", "expert")


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_validates(name):
    sc = sim.load_scenario(name)
    assert sc["id"] == name
    assert [r["id"] for r in sc["roles"]] == ["seoul", "tokyo", "washington"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_cited_events_and_claims_id_exists(name):
    sc = sim.load_scenario(name)
    ids = sim.cited_ids(sc)
    assert ids["events"] and ids["claims"], "a scenario must draw on both datasets"
    assert sim.missing_references(sc) == []


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_bare_dollar_signs_and_no_undated_now(name):
    text = sim.scenario_path(name).read_text(encoding="utf-8")
    for word in (" currently", " at present", " nowadays"):
        assert word not in text.lower(), word
    assert "$" not in text.replace("US$", "")


def test_missing_reference_is_reported_with_its_id():
    sc = copy.deepcopy(sim.load_scenario("gsomia_2019"))
    sc["setting"][0]["events"] = ["ev1999_nope"]
    assert sim.missing_references(sc) == ["gsomia_2019: events id ev1999_nope is not in datasets/events.csv"]


def _bad(mutate):
    sc = copy.deepcopy(sim.load_scenario("gsomia_2019"))
    mutate(sc)
    return sim.scenario_problems(sc, "gsomia_2019.yaml")


def test_validation_names_file_and_field():
    problems = _bad(lambda sc: sc["roles"][0]["brief"]["interests"][0].pop("claims"))
    assert problems == ["gsomia_2019.yaml: roles[0].brief.interests[0]: has no source: add 'events', 'claims' or 'cite'"]

    problems = _bad(lambda sc: sc["rounds"][0]["options"].pop("tokyo"))
    assert any("rounds[0].options.tokyo: missing" in p for p in problems)

    problems = _bad(lambda sc: sc["rounds"][0]["rules"][0]["when"].update(seoul=["surrender"]))
    assert any("rounds[0].rules[0].when.seoul: 'surrender' is not an option of seoul in r1" in p for p in problems)

    problems = _bad(lambda sc: sc["rounds"][1]["options"]["seoul"][0]["effects"].update(morale=3))
    assert any("rounds[1].options.seoul[0].effects.morale: unknown effect" in p for p in problems)

    problems = _bad(lambda sc: sc["debrief"]["historical_moves"]["r1"].update(tokyo="nothing"))
    assert any("debrief.historical_moves.r1.tokyo: 'nothing' is not an option" in p for p in problems)

    problems = _bad(lambda sc: sc.update(current_to="late 2026"))
    assert any("current_to: must be YYYY-MM" in p for p in problems)

    problems = _bad(lambda sc: sc["setting"][0].update(text="It cost $5 billion."))
    assert any("setting[0].text: write money as" in p for p in problems)


def test_validate_raises_a_course_error_listing_problems(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: x\nroles: []\n", encoding="utf-8")
    with pytest.raises(CourseError) as err:
        sim.validate_scenario(path)
    msg = str(err.value)
    assert "broken.yaml: roles: must be a non-empty list" in msg and "broken.yaml: missing field 'rounds'" in msg
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CourseError, match="broken.yaml: is not valid YAML"):
        sim.validate_scenario(path)
    with pytest.raises(CourseError, match="No scenario file"):
        sim.load_scenario("no_such_scenario")


def test_deal_roles():
    sc = sim.load_scenario("gsomia_2019")
    assert sim.deal_roles(TEAMS, sc) == dict(zip(TEAMS, ["seoul", "tokyo", "washington"]))
    dealt = sim.deal_roles(TEAMS, sc, seed=3)
    assert sorted(dealt) == TEAMS and sorted(dealt.values()) == ["seoul", "tokyo", "washington"]
    assert dealt == sim.deal_roles(TEAMS, sc, seed=3)
    with pytest.raises(CourseError, match="needs 3 teams"):
        sim.deal_roles(["A", "A", "B"], sc)


@pytest.mark.parametrize("name", SCENARIOS)
def test_one_room_game_through_every_round(name, tmp_path):
    game = sim.new_game(name, TEAMS)
    sc = game.scenario
    for i, rnd in enumerate(sc["rounds"]):
        assert game.round["id"] == rnd["id"]
        for team in TEAMS:  # the instructor enters each team's choice by team name
            role = game.teams[team]
            game.submit(team, rnd["options"][role][i % len(rnd["options"][role])]["id"])
        result = game.resolve()
        assert result.round_id == rnd["id"] and set(result.moves) == {"seoul", "tokyo", "washington"}
        assert rnd["title"] in result.text(sc)
        for m in ("interests", "approval"):
            assert all(0 <= v <= 100 for v in game.state[m].values())
    assert game.finished
    frame = sim.state_frame(sc, game.state)
    assert list(frame.columns) == ["side", "interests met", "domestic approval", "alliance cohesion"]
    assert "<table" in game.state_table().to_html()
    path = game.write_record(tmp_path / "record.json")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["finished"] and len(record["rounds"]) == len(sc["rounds"])
    assert "Debrief questions" in game.debrief_text()
    with pytest.raises(CourseError, match="game is over"):
        game.submit("seoul", "hold")


def test_the_historical_path_fires_the_rules_it_should():
    game = sim.new_game("gsomia_2019", TEAMS)
    hist = game.scenario["debrief"]["historical_moves"]
    for rid in ("r1", "r2"):
        for role, oid in hist[rid].items():
            game.submit(role, oid)
        game.resolve()
    assert [r["id"] for r in game.results[0].rules] == ["r1_both_hard", "model"]
    assert [r["id"] for r in game.results[1].rules] == ["r2_face_saving", "r2_us_pressure", "model"]
    assert game.state == {"cohesion": 47, "interests": {"seoul": 60, "tokyo": 61, "washington": 67},
                          "approval": {"seoul": 56, "tokyo": 58, "washington": 52}}
    # By hand: r1 cohesion 50 -5 -5 -3 (options) -5 (rule) = 32, then lesson 06's model at
    # commitments 0.8/0.6 scores -0.56 (friction): 10 x -0.56 -> -6, so 26. r2: +8 +5 +5
    # (options) +5 (rule) = 49, then the model at 0.7/0.7 scores -0.19: -2, so 47.
    assert "score of -0.56 (friction): cohesion -6" in game.results[0].text(game.scenario)
    assert "same as the historical conditional" in game.debrief_text()


def test_the_model_reading_follows_lesson_06():
    from helpers.models import quasi_alliance
    sc = sim.load_scenario("gsomia_2019")
    r = sc["model"]["readings"]["r1"]["stay_out"]
    assert quasi_alliance(r["japan"], r["korea"]).label == "cooperation"  # both doubt the US
    broken = _bad(lambda s: s["model"]["readings"]["r2"].pop("stay_out"))
    assert any("model.readings.r2: must give a reading for each option of washington" in p for p in broken)
    broken = _bad(lambda s: s["model"]["readings"]["r1"]["press_both"].update(korea=1.5))
    assert any("model.readings.r1.press_both.korea: must be a number from 0 to 1" in p for p in broken)


def test_bad_moves_get_plain_messages():
    game = sim.new_game("gsomia_2019", TEAMS)
    with pytest.raises(CourseError, match="'surrender' is not an option for seoul in round r1: choose one of hold"):
        game.submit("Team Blue", "surrender")
    with pytest.raises(CourseError, match="neither a team"):
        game.submit("Team Purple", "hold")
    game.submit("seoul", "hold")
    with pytest.raises(CourseError, match="no move from tokyo, washington"):
        game.resolve()


def test_move_panel_has_a_plain_text_fallback():
    game = sim.new_game("gsomia_2019", TEAMS)
    panel = game.move_panel()
    assert "game.submit(role, option_id)" in panel.plain_text
    bundle = panel._repr_mimebundle_()
    assert "text/html" in bundle and "<script" not in bundle["text/html"]
    # Clicking resolve with the menus' first options resolves round 1.
    panel.widget.children[-2].click()
    assert game.results and game.round["id"] == "r2"


# ----------------------------------------------------------------- class folder

TEAM_SCRIPT = r"""
import json, sys
from helpers import simulation as sim
seat = sim.join(sys.argv[1], folder=sys.argv[2])
action = sys.argv[3]
if action == "submit":
    seat.submit(sys.argv[4])
    print(json.dumps({"role": seat.role, "move": seat.my_move()}))
elif action == "brief":
    print(seat.brief())
elif action == "results":
    print(seat.results_text())
"""


def _as_team(team, folder, *args):
    """Run a team's helper in its own process, as that hub user."""
    env = dict(os.environ, JUPYTERHUB_USER=team, PYTHONPATH=str(COURSE_DIR))
    out = subprocess.run([sys.executable, "-c", TEAM_SCRIPT, "week9", str(folder), *args], check=False,
                         env=env, capture_output=True, text=True, timeout=60, cwd=COURSE_DIR)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_class_folder_game_with_three_team_accounts(tmp_path):
    teams = ["alice", "bo.kim", "Chiyo Sato"]  # the last needs the class folder's safe naming
    host = sim.ClassGame.start("gsomia_2019", "week9", teams, folder=tmp_path)
    gdir = tmp_path / "simulation" / "week9"
    assert host.dir == gdir
    for sub in ("seats", "moves/r1", "moves/r2"):  # others may add a file but not list the folder or replace a file
        assert (gdir / sub).stat().st_mode & 0o7777 == sim.MOVES_DIR_MODE
    assert (gdir / "host.json").stat().st_mode & 0o777 == 0o640  # the briefs: instructors' group only
    public = json.loads((gdir / "scenario.json").read_text(encoding="utf-8"))
    assert all("brief" not in r and "advanced_brief" not in r for r in public["roles"])
    assert "Confidential" not in (gdir / "scenario.json").read_text(encoding="utf-8")
    for team in teams:  # each team joins: its seat file, readable and writable by it and the group only
        assert "has not been dealt yet" in _brief_or_error(team, tmp_path)
    seats = sorted(p.name for p in (gdir / "seats").iterdir() if p.suffix == ".json")
    assert seats == sorted(["alice.json", "bo.kim.json", class_play.safe_name("Chiyo Sato") + ".json"])
    assert all((gdir / "seats" / f).stat().st_mode & 0o777 == class_play.SEAT_MODE for f in seats)
    assert sorted(host.deal()) == sorted(teams)
    for team in teams:
        assert _as_team(team, tmp_path, "brief").strip() == sim.brief_text(host.scenario, host.teams[team])
    hist = host.scenario["debrief"]["historical_moves"]
    for rid in ("r1", "r2"):
        for team in teams:
            role = host.teams[team]
            assert json.loads(_as_team(team, tmp_path, "submit", hist[rid][role]))["role"] == role
        files = sorted(p.name for p in (gdir / "moves" / rid).iterdir() if p.suffix == ".json")
        assert files == seats
        assert all((gdir / "moves" / rid / f).stat().st_mode & 0o007 == 0 for f in files), "moves readable by others"
        assert not list((gdir / "moves" / rid).glob("*.tmp")), "a temporary file was left behind"
        host.resolve()
    assert "Seoul" in _as_team("alice", tmp_path, "results")
    assert host.game().finished
    record = json.loads(host.write_record().read_text(encoding="utf-8"))
    assert [r["round"] for r in record["rounds"]] == ["r1", "r2"]


def _brief_or_error(team, folder):
    env = dict(os.environ, JUPYTERHUB_USER=team, PYTHONPATH=str(COURSE_DIR))
    out = subprocess.run([sys.executable, "-c", TEAM_SCRIPT, "week9", str(folder), "brief"], check=False,
                         env=env, capture_output=True, text=True, timeout=60, cwd=COURSE_DIR)
    return out.stdout + out.stderr


def test_a_team_sees_only_its_own_brief_and_move_before_resolution(tmp_path, monkeypatch):
    sc = sim.load_scenario("gsomia_2019")
    host = sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=tmp_path)
    seats = {t: sim.join("week9", t, folder=tmp_path) for t in TEAMS}
    with pytest.raises(CourseError, match="has not been dealt yet"):
        seats["Team Blue"].brief()
    host.deal()
    briefs = {t: seats[t].brief() for t in TEAMS}
    for team, seat in seats.items():
        assert briefs[team] == sim.brief_text(sc, seat.role)
        assert sim.brief_html(sc, seat.role) == seat.brief_html()
        for other in TEAMS:
            if other != team:
                other_role = seats[other].role
                # No fact of another role's brief appears in this team's brief.
                for part in sim.BRIEF_PARTS:
                    for fact in scenarios.role(sc, other_role)["brief"][part]:
                        assert " ".join(fact["text"].split()) not in briefs[team]
    seats["Team Blue"].submit("hold")
    green = seats["Team Green"]
    assert green.my_move() is None  # Blue's move is not Green's
    assert green.results_text() == "No round has been resolved yet."
    # The seat only ever opens the public files, its own seat and move, and resolved rounds.
    opened = []
    real_read, real_text = class_play.read_json, Path.read_text
    monkeypatch.setattr(class_play, "read_json", lambda p: opened.append(Path(p)) or real_read(p))
    monkeypatch.setattr(Path, "read_text", lambda p, *a, **k: opened.append(Path(p)) or real_text(p, *a, **k))
    for call in (green.my_move, green.results_text, green.current_round, green.options, green.brief):
        call()
    sim.join("week9", "Team Green", folder=tmp_path).move_panel()
    monkeypatch.undo()
    mine = class_play.safe_name("Team Green") + ".json"
    for p in opened:
        assert p.parent.name == "resolved" or p.name in ("game.json", "scenario.json", mine), p
    assert any(p.name == mine and p.parent.name == "seats" for p in opened)
    with pytest.raises(CourseError, match="no move from Team Green, Team Red"):
        host.resolve()
    seats["Team Green"].submit("separate")
    seats["Team Red"].submit("press_both")
    host.resolve()
    assert "Stand by the notice" in green.results_text()  # after resolution everyone sees the moves


def test_on_the_hub_a_team_plays_as_its_own_account(tmp_path, monkeypatch):
    sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=tmp_path)
    monkeypatch.setenv("JUPYTERHUB_USER", "Team Blue")
    assert sim.join("week9", folder=tmp_path).team == "Team Blue"
    with pytest.raises(CourseError, match=r"play as your own account \(Team Blue\), not as 'Team Red'"):
        sim.join("week9", "Team Red", folder=tmp_path)


def test_the_seat_panel_before_and_after_the_deal(tmp_path):
    host = sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=tmp_path)
    panel = sim.join("week9", "Team Blue", folder=tmp_path).move_panel()
    assert "has not been dealt yet" in panel.plain_text and "Options: hold = " in panel.plain_text
    host.deal()
    panel = sim.join("week9", "Team Blue", folder=tmp_path).move_panel()
    assert panel.plain_text.startswith("Confidential brief: ")
    menu, button, out = panel.widget.children[2:]
    menu.value = "hold"
    button.click()
    assert "Move saved for round r1: hold" in out.outputs[0]["text"]
    assert host.waiting_for() == ["Team Green", "Team Red"]


def test_class_folder_errors_are_plain(tmp_path, monkeypatch):
    monkeypatch.delenv("ALLIES_CLASS_DIR", raising=False)
    with pytest.raises(CourseError, match="There is no class folder"):
        sim.join("week9")
    with pytest.raises(CourseError, match="No game 'week9' has been started"):
        sim.join("week9", "alice", folder=tmp_path)
    sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=tmp_path)
    with pytest.raises(CourseError, match="already exists"):
        sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=tmp_path)
    with pytest.raises(CourseError, match="'mallory' is not a team"):
        sim.join("week9", "mallory", folder=tmp_path)
    with pytest.raises(CourseError, match="'basic' or 'advanced'"):
        sim.join("week9", "Team Blue", folder=tmp_path, level="expert")
    assert sim.game_dir("../../etc", folder=tmp_path).parent == tmp_path / "simulation"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    if os.geteuid() != 0:  # root writes anyway
        with pytest.raises(CourseError, match="cannot be made"):
            sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=locked)


def test_a_private_scenario_file_keeps_its_briefs_out_of_the_class_folder(tmp_path):
    """An instructor's own variant, kept where students cannot read it: briefs reach teams only by deal()."""
    import yaml

    sc = copy.deepcopy(sim.load_scenario("gsomia_2019"))
    secret = "Only Seoul's team may read this line."
    sc["roles"][0]["brief"]["knows"].append({"text": secret, "cite": "the instructor's own variant"})
    private = tmp_path / "teacher" / "variant.yaml"
    private.parent.mkdir()
    private.write_text(yaml.safe_dump(sc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    host = sim.ClassGame.start(private, "week9", TEAMS, folder=tmp_path / "class")
    seats = {t: sim.join("week9", t, folder=tmp_path / "class") for t in TEAMS}
    host.deal()
    readable = [p for p in (tmp_path / "class").rglob("*.json")
                if p.name in ("game.json", "scenario.json") or p.parent.name == "resolved"]
    assert readable and all(secret not in p.read_text(encoding="utf-8") for p in readable)
    seoul = next(t for t, r in host.teams.items() if r == "seoul")
    assert secret in seats[seoul].brief()
    assert all(secret not in seats[t].brief() for t in TEAMS if t != seoul)
