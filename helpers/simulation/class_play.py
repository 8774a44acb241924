"""Class-folder play on a JupyterHub: the instructor's game, each team's seat, and who may read what.

The instructor runs ``ClassGame.start(scenario, game, teams)``; each team runs
``join(game)`` in its own notebook. Everything lives in
``$ALLIES_CLASS_DIR/simulation/<game>/``::

    game.json          who plays which role (every team reads it)
    scenario.json      the scenario without any role's brief (what a seat plays from)
    host.json          the whole scenario, briefs included: the instructors' group only
    seats/<team>.json  created by the team when it joins (0660); the instructor's
                       ``deal()`` writes that team's brief into it
    moves/<round>/<team>.json   a team's move, written atomically (0640)
    resolved/<round>.json       published by the instructor's ``resolve()``

``seats/`` and each ``moves/<round>/`` are made ``MOVES_DIR_MODE`` (setgid, sticky,
others ``-wx``): a team may add its own file but cannot list the folder, nor read or
replace another team's file, and the instructors' group (the folder's group) reads
them all. A seat opens only ``game.json``, ``scenario.json``, its own seat and move
files and the resolved rounds; on a hub where every student is a distinct Unix user the
file modes enforce that too. They cannot hide what the students' own copy of the course
holds: the shipped scenarios' briefs are in ``datasets/simulations/*.yaml``. A brief is
confidential only when the instructor plays a scenario file the students do not have
(see ``instructors/simulation_gsomia_2019.md``).

File names come from the team names as the class folder's progress files do
(``class_folder.file_name``), so no name can point outside the folder.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from helpers import class_folder
from helpers.quiz import store
from helpers.simulation.game import Game, RoundResult, deal_roles, option, state_text
from helpers.simulation.scenarios import SimulationError, load_scenario
from helpers.simulation.text import brief, format_brief

#: seats/ and a round's moves folder: owner rwx, group r-x, others -wx, setgid and sticky.
MOVES_DIR_MODE = 0o3753
#: A seat file: its team and the instructors' group read and write it, no one else.
SEAT_MODE = 0o660
LEVELS = ("basic", "advanced")
PUBLIC = 0o644


def safe_name(name: str) -> str:
    """A team's or game's name as a safe file stem (the class folder's rule)."""
    return class_folder.file_name(name)[: -len(".csv")]


def game_dir(game: str, folder=None) -> Path:
    """Return ``<class folder>/simulation/<game>``; the game name is made safe like a user name."""
    base = Path(folder) if folder is not None else class_folder.class_dir()
    if base is None:
        raise SimulationError(
            f"There is no class folder: {class_folder.ENV_CLASS_DIR} is not set. Play in one room "
            "with new_game(...), or ask the hub's administrator to set the class folder.")
    return base / "simulation" / safe_name(game)


def write_json(path: Path, data, mode=class_folder.MIRROR_MODE) -> None:
    """Write ``data`` as JSON to ``path`` atomically, under the file's lock, with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with store._locked(path):
        store.write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=mode)


def read_json(path: Path):
    """Return the JSON in ``path``, None if there is no such file; a plain error otherwise."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except PermissionError:
        raise SimulationError(f"{path} is not yours to read. Ask your instructor.") from None
    except (OSError, ValueError) as exc:
        raise SimulationError(f"{path} cannot be read ({exc}). Ask your instructor.") from None


def public_scenario(scenario: dict) -> dict:
    """The scenario as every team may see it: roles without their briefs."""
    out = dict(scenario)
    out["roles"] = [{k: v for k, v in r.items() if k not in ("brief", "advanced_brief")} for r in scenario["roles"]]
    return out


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(MOVES_DIR_MODE)
    except OSError:
        pass


def _resolved(gdir: Path, scenario: dict) -> list[dict]:
    out = []
    for rnd in scenario["rounds"]:
        data = read_json(gdir / "resolved" / f"{rnd['id']}.json")
        if data is None:
            break
        out.append(data)
    return out


def _owner(path: Path):
    try:
        return path.lstat().st_uid
    except OSError:
        return None


class ClassGame:
    """The instructor's side of a class-folder game: start it, deal briefs, resolve rounds."""

    def __init__(self, game: str, folder=None):
        self.dir = game_dir(game, folder)
        setup = read_json(self.dir / "game.json")
        if setup is None:
            raise SimulationError(f"No game '{game}' in {self.dir.parent}: start it with ClassGame.start(...).")
        self.name = game
        self.teams = setup["teams"]
        self.scenario = read_json(self.dir / "host.json")
        if self.scenario is None:
            raise SimulationError(f"{self.dir / 'host.json'} is missing: start the game again under another name.")

    @classmethod
    def start(cls, scenario, game: str, teams, folder=None, seed=None) -> ClassGame:
        """Create the game folder, deal the roles and publish who plays whom.

        ``scenario`` is a scenario id or the path of a scenario file (for example your own
        variant, kept where students cannot read it).
        """
        sc = load_scenario(scenario)
        dealt = deal_roles(teams, sc, seed)
        d = game_dir(game, folder)
        if (d / "game.json").exists():
            raise SimulationError(f"A game called '{game}' already exists in {d.parent}; choose another name.")
        try:
            d.mkdir(parents=True, exist_ok=True)
            # Teams may add files to seats/ and a round's moves folder but not list them
            # (others: -wx), nor replace another team's file (sticky bit); the instructors'
            # group reads them (setgid: files take the folder's group).
            _private_dir(d / "seats")
            for rnd in sc["rounds"]:
                _private_dir(d / "moves" / rnd["id"])
            (d / "resolved").mkdir(exist_ok=True)
            write_json(d / "host.json", sc, mode=0o640)
            write_json(d / "scenario.json", public_scenario(sc), mode=PUBLIC)
            write_json(d / "game.json", {"scenario": sc["id"], "teams": dealt}, mode=PUBLIC)
        except OSError as exc:
            raise SimulationError(f"The game folder {d} cannot be made ({exc.strerror}): the instructors' "
                                  f"group needs write access to {d.parent} (see the instructor page).") from None
        return cls(game, folder)

    def _seat(self, team: str) -> Path:
        return self.dir / "seats" / f"{safe_name(team)}.json"

    def joined(self) -> list[str]:
        """The teams that have joined (their seat file exists)."""
        return [t for t in self.teams if self._seat(t).exists()]

    def _shared_owners(self) -> dict[str, str]:
        """Seats whose file belongs to the account of another team's seat (when accounts differ)."""
        owners = {t: _owner(self._seat(t)) for t in self.joined()}
        if set(owners.values()) <= {_owner(self.dir)}:  # one account for everyone (a one-user hub, a test)
            return {}
        out = {}
        for team, uid in owners.items():
            others = [o for o, u in owners.items() if u == uid and o != team]
            if others:
                out[team] = others[0]
        return out

    def deal(self) -> list[str]:
        """Write each joined team's brief (basic and advanced) into its seat file; return the teams dealt.

        A seat whose file belongs to the same account as another team's is refused: one
        student may have taken another team's seat (``ls -l`` the ``seats`` folder).
        """
        shared = self._shared_owners()
        if shared:
            names = ", ".join(f"{t} (same account as {o})" for t, o in shared.items())
            raise SimulationError(f"Not dealt: the seat files of {names} were made by one account. "
                                  f"Delete the wrong ones in {self.dir / 'seats'} and ask those teams to join again.")
        dealt = []
        for team in self.joined():
            role = self.teams[team]
            payload = {"team": team, "role": role,
                       "briefs": {lv: brief(self.scenario, role, lv) for lv in LEVELS}}
            path = self._seat(team)
            try:
                fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
            except OSError as exc:
                raise SimulationError(f"The seat file of {team} cannot be opened ({exc.strerror}): "
                                      f"ask the team to join again.") from None
            with os.fdopen(fd, "r+", encoding="utf-8") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise SimulationError(f"The seat file of {team} is not a plain file; delete it.")
                try:
                    claimed = json.loads(fh.read() or "{}").get("team")
                except ValueError:
                    claimed = None
                if claimed != team:
                    raise SimulationError(f"The seat file of {team} names {claimed!r}; delete it and ask the team to join again.")
                fh.seek(0)
                fh.truncate()
                fh.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
            dealt.append(team)
        return dealt

    def game(self) -> Game:
        """Rebuild the game so far from the folder (resolved rounds only)."""
        g = Game(self.scenario, dict(self.teams))
        for data in _resolved(self.dir, self.scenario):
            g.results.append(RoundResult(data["round"], data["title"], data["moves"], data["rules"], data["state"]))
            g.state = data["state"]
        return g

    def _move(self, team: str, round_id: str) -> Path:
        return self.dir / "moves" / round_id / f"{safe_name(team)}.json"

    def waiting_for(self) -> list[str]:
        """The teams whose move for the current round is not in yet."""
        g = self.game()
        if g.finished:
            return []
        return [t for t in self.teams if not self._move(t, g.round["id"]).exists()]

    def resolve(self) -> RoundResult:
        """Read every team's move for the current round, resolve it and publish the result."""
        g = self.game()
        if g.finished:
            raise SimulationError("The game is over: every round is already resolved.")
        rid = g.round["id"]
        waiting = self.waiting_for()
        if waiting:
            raise SimulationError(f"Round {rid} cannot be resolved yet: no move from {', '.join(waiting)}.")
        for team, role in self.teams.items():
            path = self._move(team, rid)
            move = read_json(path)
            if not isinstance(move, dict) or move.get("team") != team or move.get("round") != rid:
                raise SimulationError(f"The move file of {team} for {rid} is not one this helper wrote; ask the team to submit again.")
            seat_owner = _owner(self._seat(team))
            if seat_owner is not None and _owner(path) != seat_owner:
                raise SimulationError(f"The move file of {team} for {rid} was written by another account than "
                                      f"the team's seat: delete it and ask {team} to submit again.")
            g.submit(role, move.get("option"))
        result = g.resolve()
        write_json(self.dir / "resolved" / f"{rid}.json",
                   {"round": rid, "title": result.title, "moves": result.moves, "rules": result.rules,
                    "state": result.state}, mode=PUBLIC)
        return result

    def write_record(self, path=None) -> Path:
        """Write the game so far as JSON (default ``<game>/record.json``); return the path."""
        return self.game().write_record(path or self.dir / "record.json")


class TeamSeat:
    """A team's side of a class-folder game: its own brief, its own move, resolved rounds.

    It never opens another team's brief or move file, nor the scenario file: it reads
    ``game.json`` (who plays which role), ``scenario.json`` (rounds and options, no
    briefs), its own seat and move files and the rounds the instructor has resolved.
    """

    def __init__(self, game: str, team: str | None = None, folder=None, level="basic"):
        self.dir = game_dir(game, folder)
        setup = read_json(self.dir / "game.json")
        if setup is None:
            raise SimulationError(f"No game '{game}' has been started in the class folder yet. Ask your instructor.")
        hub_user = os.environ.get(class_folder.ENV_HUB_USER, "").strip()
        if team is not None and hub_user and team != hub_user:
            raise SimulationError(f"On the hub you play as your own account ({hub_user}), not as '{team}'.")
        self.team = team or class_folder.owner()
        if self.team not in setup["teams"]:
            raise SimulationError(f"'{self.team}' is not a team in game '{game}'. Teams: {', '.join(setup['teams'])}.")
        if level not in LEVELS:
            raise SimulationError(f"Brief level must be 'basic' or 'advanced', not {level!r}.")
        self.role = setup["teams"][self.team]
        self._scenario = read_json(self.dir / "scenario.json")
        self.level = level
        self._take_seat()

    @property
    def _seat(self) -> Path:
        return self.dir / "seats" / f"{safe_name(self.team)}.json"

    def _take_seat(self) -> None:
        """Create this team's seat file (0660), or check that the existing one is ours."""
        try:
            fd = os.open(self._seat, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, SEAT_MODE)
        except FileExistsError:
            if _owner(self._seat) != os.getuid():
                raise SimulationError(f"The seat of {self.team} was taken by another account: tell your instructor.") from None
            return
        except OSError as exc:
            raise SimulationError(f"Cannot join the game in {self.dir} ({exc.strerror}). Ask your instructor.") from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), SEAT_MODE)  # the umask must not take the group's write away
            fh.write(json.dumps({"team": self.team}) + "\n")

    def _dealt(self) -> dict | None:
        try:
            data = json.loads(self._seat.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:  # the instructor is writing it this very moment
            return None
        except OSError as exc:
            raise SimulationError(f"Your seat file cannot be read ({exc.strerror}). Ask your instructor.") from None
        return data if isinstance(data, dict) and data.get("briefs") else None

    def _brief(self) -> dict:
        data = self._dealt()
        if data is None or data.get("role") != self.role:
            raise SimulationError("Your brief has not been dealt yet: the instructor deals the briefs once "
                                  "every team has joined. Run this cell again in a minute.")
        return data["briefs"][self.level]

    def brief(self) -> str:
        """This team's confidential brief, and no one else's, as dealt by the instructor."""
        return format_brief(self._brief())

    def brief_html(self) -> str:
        """This team's brief as HTML."""
        from helpers.render import render
        return render("simulation/brief.html", **self._brief())

    def resolved(self) -> list[dict]:
        """The rounds the instructor has resolved, as published."""
        return _resolved(self.dir, self._scenario)

    def current_round(self) -> dict | None:
        """The round now being played, or None when every round is resolved."""
        done = len(self.resolved())
        rounds = self._scenario["rounds"]
        return rounds[done] if done < len(rounds) else None

    def options(self) -> list[tuple[str, str]]:
        """This team's options in the current round, as (id, label)."""
        rnd = self.current_round()
        return [] if rnd is None else [(o["id"], o["label"]) for o in rnd["options"][self.role]]

    def _move(self, rnd) -> Path:
        return self.dir / "moves" / rnd["id"] / f"{safe_name(self.team)}.json"

    def submit(self, option_id: str) -> Path:
        """Write this team's move for the current round as its own file (atomically)."""
        rnd = self.current_round()
        if rnd is None:
            raise SimulationError("The game is over: every round is resolved.")
        option(self._scenario, rnd, self.role, option_id)
        path = self._move(rnd)
        try:
            write_json(path, {"team": self.team, "role": self.role, "round": rnd["id"], "option": option_id,
                              "at": store.now_iso()})
        except OSError as exc:  # e.g. another account's file in our place (the sticky folder keeps it)
            raise SimulationError(f"Your move for {rnd['id']} could not be saved ({exc.strerror}). "
                                  "Tell your instructor.") from None
        return path

    def my_move(self):
        """This team's move for the current round, or None."""
        rnd = self.current_round()
        if rnd is None:
            return None
        data = read_json(self._move(rnd))
        return None if data is None else data.get("option")

    def results_text(self) -> str:
        """The resolved rounds in words (every team's moves, once resolved) and the state."""
        done = self.resolved()
        if not done:
            return "No round has been resolved yet."
        lines = []
        for data in done:
            res = RoundResult(data["round"], data["title"], data["moves"], data["rules"], data["state"])
            lines.append(res.text(self._scenario))
        lines.append(state_text(self._scenario, done[-1]["state"]))
        return "\n\n".join(lines)

    def move_panel(self):
        """Widgets for the team: its brief, a menu of its options, a Submit button."""
        from helpers.simulation.display import seat_panel
        return seat_panel(self)


def join(game: str, team: str | None = None, folder=None, level="basic") -> TeamSeat:
    """Join a class-folder game as ``team`` (default, and on the hub always: your hub user name)."""
    return TeamSeat(game, team, folder, level)
