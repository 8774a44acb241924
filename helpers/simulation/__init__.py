"""Classroom simulations: teams play Seoul, Tokyo and Washington through a crisis (lesson 11).

One module per concern:

- ``scenarios``   scenario files: loading, validation, the sources they cite
- ``text``        the scenario in words: briefs, setting, rounds, debrief
- ``game``        a game: dealing roles, the running state, how a round resolves
- ``class_play``  class-folder play on a JupyterHub: the instructor's game, each team's seat
- ``display``     HTML from ``helpers/templates/simulation/`` and the move panels

Two ways to play:

- one room: ``game = new_game("gsomia_2019", ["Team A", "Team B", "Team C"])``; the
  instructor enters each team's choice (``game.submit(role, option)`` or
  ``game.move_panel()``), then ``game.resolve()``; ``game.state_table()`` shows the
  running state and ``game.write_record(path)`` saves the game.
- class folder (a JupyterHub with ``ALLIES_CLASS_DIR``): the instructor runs
  ``host = ClassGame.start(scenario, game, teams)``; each team runs ``seat = join(game)``
  in its own notebook; the instructor's ``host.deal()`` writes each joined team's brief
  into that team's seat file; each team submits its move (``seat.move_panel()``), and the
  instructor's ``host.resolve()`` reads the moves and publishes the result.

Importing this package is light: PyYAML, pandas, ipywidgets and Jinja2 load when first used.
"""
from __future__ import annotations

from helpers.simulation.class_play import (
                                          MOVES_DIR_MODE,
                                          ClassGame,
                                          TeamSeat,
                                          game_dir,
                                          join,
)
from helpers.simulation.display import brief_html
from helpers.simulation.game import (
                                          Game,
                                          RoundResult,
                                          deal_roles,
                                          new_game,
                                          resolve_moves,
                                          state_frame,
                                          state_text,
)
from helpers.simulation.scenarios import (
                                          BRIEF_PARTS,
                                          KINDS,
                                          MEASURES,
                                          SIM_DIR,
                                          SimulationError,
                                          cited_ids,
                                          list_scenarios,
                                          load_scenario,
                                          missing_references,
                                          scenario_path,
                                          scenario_problems,
                                          validate_scenario,
)
from helpers.simulation.text import brief_text, debrief_text, round_text, setting_text

__all__ = [
    "BRIEF_PARTS", "KINDS", "MEASURES", "MOVES_DIR_MODE", "SIM_DIR",
    "ClassGame", "Game", "RoundResult", "SimulationError", "TeamSeat",
    "brief_html", "brief_text", "cited_ids", "deal_roles", "debrief_text", "game_dir", "join",
    "list_scenarios", "load_scenario", "missing_references", "new_game", "resolve_moves",
    "round_text", "scenario_path", "scenario_problems", "setting_text", "state_frame",
    "state_text", "validate_scenario",
]
