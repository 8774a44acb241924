"""The simulation's HTML: every template in templates/simulation/ escapes hostile text in every field.

Templates rendered here: simulation/brief.html, simulation/round.html, simulation/text.html,
simulation/note.html. A scenario whose role names, governments, brief facts, round titles,
situations and option labels, and whose team names, are all markup must come out as text,
in the templates and in the panels' static HTML.
"""
from __future__ import annotations

import copy
import subprocess
import sys

import pytest

from helpers import COURSE_DIR, render
from helpers import simulation as sim
from helpers.simulation import display

HOSTILE = '<img src=x onerror="window.__pwned=1">`${1}`'
TEAMS = [f"{HOSTILE} blue", f"{HOSTILE} green", f"{HOSTILE} red"]


def _clean(html: str) -> None:
    assert "<img" not in html and 'onerror="' not in html, html
    assert "&lt;img" in html
    assert "`${1}`" in html  # backtick and ${...} are text in HTML: kept, not mangled


def hostile_scenario() -> dict:
    sc = copy.deepcopy(sim.load_scenario("gsomia_2019"))
    for role in sc["roles"]:
        role["name"] = f"{HOSTILE} {role['id']}"
        role["government"] = HOSTILE
        for part in sim.BRIEF_PARTS:
            for fact in role["brief"][part]:
                fact["text"] = HOSTILE
                fact["cite"] = HOSTILE
    for rnd in sc["rounds"]:
        rnd["title"] = HOSTILE
        rnd["situation"] = HOSTILE
        for options in rnd["options"].values():
            for opt in options:
                opt["label"] = HOSTILE
    return sc


def test_every_simulation_template_is_tested_here():
    names = {n for n in render.template_names() if n.startswith("simulation/")}
    assert names == {"simulation/brief.html", "simulation/round.html", "simulation/text.html",
                     "simulation/note.html"}


def test_each_template_escapes_every_field():
    _clean(render.render("simulation/brief.html", heading=HOSTILE, parts=[(HOSTILE, [HOSTILE, HOSTILE])]))
    _clean(render.render("simulation/round.html", title=HOSTILE, situation=HOSTILE))
    _clean(render.render("simulation/round.html", title=HOSTILE, situation=""))
    _clean(render.render("simulation/text.html", text=HOSTILE))
    _clean(render.render("simulation/note.html", text=HOSTILE))


def test_a_hostile_brief_is_shown_as_text():
    sc = hostile_scenario()
    for role in ("seoul", "tokyo", "washington"):
        out = sim.brief_html(sc, role)
        _clean(out)
        facts = next(r for r in sc["roles"] if r["id"] == role)["brief"]
        assert out.count("<li>") == sum(len(facts[p]) for p in sim.BRIEF_PARTS)
        assert out.startswith("<h4>Confidential brief: &lt;img")


def test_the_panels_static_html_escapes_labels_titles_and_team_names():
    sc = hostile_scenario()
    game = sim.Game(sc, dict(zip(TEAMS, ["seoul", "tokyo", "washington"])))
    panel = game.move_panel()
    _clean(panel.html_text)
    _clean(panel.widget.children[0].value)  # the round's title and situation
    assert HOSTILE in panel.plain_text  # plain text is text: nothing to escape
    for role in ("seoul", "tokyo", "washington"):
        game.submit(role, sc["rounds"][0]["options"][role][0]["id"])
    result = game.resolve()
    _clean(display.text_html(result.text(sc) + "\n" + game.state_text()))


def test_a_hostile_team_name_in_a_class_folder_game_is_escaped(tmp_path):
    host = sim.ClassGame.start("gsomia_2019", "week9", TEAMS, folder=tmp_path)
    seat = sim.join("week9", TEAMS[0], folder=tmp_path)
    with pytest.raises(sim.SimulationError) as err:
        sim.join("week9", f"{HOSTILE} purple", folder=tmp_path)
    _clean(render.render("simulation/note.html", text=str(err.value)))
    host.deal()
    panel = seat.move_panel()
    _clean(display.text_html(f"{seat.team}: {panel.plain_text}"))
    assert "<script" not in panel.html_text


def test_importing_the_simulation_is_light():
    code = ("import sys, helpers.simulation; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'pandas', 'ipywidgets', 'jinja2', 'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=COURSE_DIR, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
