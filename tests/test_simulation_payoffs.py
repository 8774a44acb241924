"""The outcome rules: no team has a dominant option, and the 2019 record is a stable outcome.

A team's own score is its interests met plus its domestic approval (cohesion is shared).
If one option were best whatever the others chose, the round would teach nothing about
the two-level game or the alliance security dilemma; so each team's best option must
depend on what the others do. In the 2019 game the historical moves of each round must be
an outcome no team could improve on alone, beside a cooperative one (the win-sets overlap
only if both allies move, which is the two-level game's lesson).
"""
from __future__ import annotations

import itertools
import json

import pytest

from helpers import simulation as sim
from helpers.simulation.game import resolve_moves

SCENARIOS = sim.list_scenarios()


def _own(sc, rnd, moves, rid):
    st = resolve_moves(sc, rnd["id"], moves, json.loads(json.dumps(sc["start"]))).state
    return st["interests"][rid] + st["approval"][rid]


def _options(sc, rnd):
    return {r["id"]: [o["id"] for o in rnd["options"][r["id"]]] for r in sc["roles"]}


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_team_has_a_dominant_option(name):
    sc = sim.load_scenario(name)
    for rnd in sc["rounds"]:
        opts = _options(sc, rnd)
        for rid, mine in opts.items():
            others = [r for r in opts if r != rid]
            for o in mine:
                always_best = all(
                    _own(sc, rnd, {**dict(zip(others, combo)), rid: o}, rid)
                    >= max(_own(sc, rnd, {**dict(zip(others, combo)), rid: alt}, rid) for alt in mine)
                    for combo in itertools.product(*(opts[r] for r in others)))
                assert not always_best, f"{name} {rnd['id']}: {rid}'s option {o} is best whatever the others do"


def _stable(sc, rnd, moves):
    opts = _options(sc, rnd)
    return all(_own(sc, rnd, moves, r) >= max(_own(sc, rnd, {**moves, r: alt}, r) for alt in opts[r]) for r in opts)


def test_the_2019_record_and_a_cooperative_outcome_are_both_stable():
    sc = sim.load_scenario("gsomia_2019")
    hist = sc["debrief"]["historical_moves"]
    r1, r2 = sc["rounds"]
    assert _stable(sc, r1, hist["r1"])  # hold / separate / press_seoul
    assert _stable(sc, r1, {"seoul": "offer_talks", "tokyo": "dialogue", "washington": "press_both"})
    assert _stable(sc, r2, hist["r2"])  # conditional / talks / senior_visits
