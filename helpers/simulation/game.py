"""A game and its rounds: dealing roles, the running state, and how a round resolves.

Every number is a teaching assumption written in the scenario, not an estimate: the
state holds, from 0 to 100, each role's *interests met*, each role's *domestic approval*
and the *alliance cohesion* of the three. Each chosen option adds its ``effects``; then
every rule of the round whose ``when`` matches the choices (each listed role chose one of
the listed options) adds its ``effects`` and its ``explain`` text, which names the theory
it draws on (Putnam's two-level game, the alliance model of lesson 06). Where the
scenario has a ``model`` block, the common ally's move is read as a perceived US
commitment to Japan and to South Korea, lesson 06's ``models.quasi_alliance`` scores it,
and cohesion moves by ``weight x score`` (rounded). Values are clipped to 0-100.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from helpers.quiz import store
from helpers.simulation.scenarios import (
    SimulationError,
    load_scenario,
    role,
    validate_scenario,
)
from helpers.simulation.text import debrief_text, words


def deal_roles(teams, scenario, seed=None) -> dict[str, str]:
    """Deal one role to each team: ``{team: role_id}``. Teams are shuffled when ``seed`` is given."""
    teams = [str(t).strip() for t in teams]
    roles = [r["id"] for r in scenario["roles"]]
    if len(teams) != len(roles) or len(set(teams)) != len(teams) or not all(teams):
        raise SimulationError(
            f"{scenario['title']} needs {len(roles)} teams with different, non-empty names "
            f"(one for each of {', '.join(roles)}); got {teams}.")
    order = list(teams)
    if seed is not None:
        random.Random(seed).shuffle(order)
    return dict(zip(order, roles))




@dataclass
class RoundResult:
    """One resolved round: the moves ({role: option}), the rules that fired, the state after."""
    round_id: str
    title: str
    moves: dict
    rules: list
    state: dict

    def text(self, scenario) -> str:
        """The round's outcome in words: each side's move, then what followed and why."""
        rnd = next(r for r in scenario["rounds"] if r["id"] == self.round_id)
        lines = [f"Round {self.round_id}: {self.title}"]
        for rid, oid in self.moves.items():
            label = next(o["label"] for o in rnd["options"][rid] if o["id"] == oid)
            lines.append(f"- {role(scenario, rid)['name']}: {label}")
        if self.rules:
            lines.append("What followed, and why:")
            for rule in self.rules:
                lines.append(f"- {words(rule['explain'])}")
        else:
            lines.append("No combination rule applied: each side's choice counted on its own.")
        return "\n".join(lines)


def _clip(x):
    return max(0, min(100, x))


def _apply(state, effects):
    for key, value in (effects or {}).items():
        if key == "cohesion":
            state["cohesion"] = _clip(state["cohesion"] + value)
        else:
            for rid, num in value.items():
                state[key][rid] = _clip(state[key][rid] + num)


def resolve_moves(scenario, round_id, moves, state) -> RoundResult:
    """Apply one round's ``moves`` ({role: option_id}) to a copy of ``state`` by the rules."""
    rnd = next((r for r in scenario["rounds"] if r["id"] == round_id), None)
    if rnd is None:
        raise SimulationError(f"No round '{round_id}' in {scenario['id']}.")
    roles = [r["id"] for r in scenario["roles"]]
    missing = [r for r in roles if r not in moves]
    if missing:
        raise SimulationError(f"Round {round_id} cannot be resolved yet: no move from {', '.join(missing)}.")
    new = json.loads(json.dumps(state))
    for rid in roles:
        opt = option(scenario, rnd, rid, moves[rid])
        _apply(new, opt.get("effects"))
    fired = []
    for rule in rnd.get("rules") or []:
        if all(moves[rid] in ids for rid, ids in rule["when"].items()):
            _apply(new, rule.get("effects"))
            fired.append({"id": rule["id"], "explain": rule["explain"]})
    model = scenario.get("model")
    if model:
        reading = model["readings"][round_id][moves[model["role"]]]
        from helpers.models import quasi_alliance
        pred = quasi_alliance(reading["japan"], reading["korea"])
        score = float(pred.score)
        change = math.floor(model["weight"] * score + 0.5)
        _apply(new, {"cohesion": change})
        fired.append({"id": "model", "explain": (
            f"Lesson 06's model: {role(scenario, model['role'])['name']}'s move, read as a perceived US "
            f"commitment of {reading['japan']} to Japan and {reading['korea']} to South Korea, gives a score "
            f"of {score:+.2f} ({pred.label}): cohesion {change:+d}.")})
    return RoundResult(round_id, rnd["title"], {r: moves[r] for r in roles}, fired, new)


def option(scenario, rnd, role_id, option_id) -> dict:
    """Return the option ``option_id`` of ``role_id`` in round ``rnd``, or say which options there are."""
    for opt in rnd["options"].get(role_id, []):
        if opt["id"] == option_id:
            return opt
    valid = ", ".join(o["id"] for o in rnd["options"].get(role_id, []))
    raise SimulationError(f"'{option_id}' is not an option for {role_id} in round {rnd['id']}: choose one of {valid}.")


def start_state(scenario) -> dict:
    """The scenario's state before round one, as a fresh dict."""
    s = scenario["start"]
    return {"cohesion": s["cohesion"], "interests": dict(s["interests"]), "approval": dict(s["approval"])}


def state_frame(scenario, state):
    """Return the running state as a table: one row per side, plus alliance cohesion."""
    import pandas as pd
    rows = [{"side": r["name"], "interests met": state["interests"][r["id"]],
             "domestic approval": state["approval"][r["id"]], "alliance cohesion": state["cohesion"]}
            for r in scenario["roles"]]
    return pd.DataFrame(rows)


def state_text(scenario, state) -> str:
    """Return the running state in words: cohesion, then each side's interests and approval."""
    lines = [f"Alliance cohesion: {state['cohesion']}/100"]
    for r in scenario["roles"]:
        lines.append(f"- {r['name']}: interests met {state['interests'][r['id']]}/100, "
                     f"domestic approval {state['approval'][r['id']]}/100")
    return "\n".join(lines)


@dataclass
class Game:
    """One game of a scenario: teams, moves, resolved rounds and the running state."""
    scenario: dict
    teams: dict  # team -> role
    state: dict = field(default_factory=dict)
    results: list = field(default_factory=list)
    pending: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.state:
            self.state = start_state(self.scenario)

    @property
    def round(self) -> dict | None:
        """The round now being played, or None when every round is resolved."""
        done = len(self.results)
        rounds = self.scenario["rounds"]
        return rounds[done] if done < len(rounds) else None

    @property
    def finished(self) -> bool:
        """True once every round is resolved."""
        return self.round is None

    def role_of(self, team) -> str:
        """Return the role a team plays (a role id is accepted as it is)."""
        if team in self.teams:
            return self.teams[team]
        if team in self.teams.values():
            return team
        raise SimulationError(f"'{team}' is neither a team ({', '.join(self.teams)}) nor a role in this game.")

    def submit(self, team_or_role, option_id) -> None:
        """Enter a team's choice for the current round (the team's name or its role)."""
        if self.finished:
            raise SimulationError("The game is over: every round is resolved. Start a new game to play again.")
        rid = self.role_of(team_or_role)
        option(self.scenario, self.round, rid, option_id)
        self.pending[rid] = option_id

    def resolve(self) -> RoundResult:
        """Resolve the current round by the scenario's rules and move to the next."""
        if self.finished:
            raise SimulationError("The game is over: every round is already resolved.")
        result = resolve_moves(self.scenario, self.round["id"], self.pending, self.state)
        self.state = result.state
        self.results.append(result)
        self.pending = {}
        return result

    def state_table(self):
        """The running state as a table for the lesson (a pandas Styler)."""
        from helpers.display import table
        return table(state_frame(self.scenario, self.state), caption="Running state (0-100)")

    def state_text(self) -> str:
        """The running state in words."""
        return state_text(self.scenario, self.state)

    def record(self) -> dict:
        """Return the whole game as plain data: teams, each round's moves, rules and state."""
        return {"scenario": self.scenario["id"], "title": self.scenario["title"], "teams": dict(self.teams),
                "start": start_state(self.scenario),
                "rounds": [{"round": r.round_id, "moves": r.moves, "rules": [x["id"] for x in r.rules],
                            "state": r.state} for r in self.results],
                "finished": self.finished}

    def write_record(self, path) -> Path:
        """Write :meth:`record` as JSON to ``path`` atomically; return the path."""
        path = Path(path)
        store.write_text_atomic(path, json.dumps(self.record(), indent=2, ensure_ascii=False) + "\n")
        return path

    def debrief_text(self, ids: bool = False) -> str:
        """The debrief, with this game's moves beside the historical ones (``ids=True``: with dataset ids)."""
        return debrief_text(self.scenario, self, ids)

    def move_panel(self):
        """Widgets for the instructor: one menu per role, a Resolve button, the outcome."""
        from helpers.simulation.display import game_panel
        return game_panel(self)


def new_game(scenario, teams, seed=None) -> Game:
    """Start a one-room game: ``scenario`` (id or dict) and the team names, one per role."""
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else validate_scenario(scenario)
    return Game(sc, deal_roles(teams, sc, seed))
