"""A class-folder game where the instructor and each team are distinct Unix users.

This is what file modes can and cannot do on a hub such as The Littlest JupyterHub,
where every student's server runs as its own Unix user: each process here runs with its
own uid (no /etc/passwd entry is needed), the instructor's primary group owns the class
folder, as docs/jupyterhub.md sets it up. Runs as root only (it needs setuid); skipped
elsewhere. Where this environment's interpreter sits in a folder other users cannot
enter (a pyenv under /root), the users run the system's Python of the same version with
this environment's packages on their path.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from helpers import COURSE_DIR
from helpers import simulation as sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run each team as its own Unix user")

INSTRUCTORS_GID = 47000
USERS = {"teacher": (47100, INSTRUCTORS_GID), "ana": (47101, 47101), "ben": (47102, 47102)}
PRELUDE = "import json, os, sys\nfrom pathlib import Path\nfrom helpers import simulation as sim\n"


def _reachable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [path.parent, *path.parents])


def python_for_others() -> tuple[str, list[str]]:
    """An interpreter another uid can run, and the extra path entries it needs for our packages."""
    own = Path(os.path.realpath(sys.executable))
    if _reachable_by_others(own):
        return sys.executable, []
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        pytest.skip(f"{own} is not reachable by other users and {system} is missing")
    return str(system), [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]


@pytest.fixture
def base():
    """A class folder as docs/jupyterhub.md makes it, plus a home per user, outside root's 0700 temp."""
    root = Path(tempfile.mkdtemp(prefix="aao-sim-users-"))
    try:
        root.chmod(0o755)
        (root / "class").mkdir()
        os.chown(root / "class", 0, INSTRUCTORS_GID)
        (root / "class").chmod(0o3753)  # students add files, cannot list; the group reads
        # instructors/simulation_gsomia_2019.md: a games folder the instructor owns
        (root / "class" / "simulation").mkdir()
        os.chown(root / "class" / "simulation", USERS["teacher"][0], INSTRUCTORS_GID)
        (root / "class" / "simulation").chmod(0o3753)
        for name, (uid, gid) in USERS.items():
            home = root / "home" / name
            home.mkdir(parents=True)
            os.chown(home, uid, gid)
            home.chmod(0o700)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _as(base: Path, user: str, code: str, hub_user: str | None = None, ok: bool = True) -> str:
    """Run ``code`` as ``user`` (its own uid and group, no others), as that user's kernel would."""
    uid, gid = USERS[user]
    python, extra = python_for_others()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(base / "home" / user),
           "PYTHONPATH": os.pathsep.join([str(COURSE_DIR), *extra]),
           "JUPYTERHUB_USER": hub_user or user, "ALLIES_CLASS_DIR": str(base / "class")}
    out = subprocess.run([python, "-c", PRELUDE + code], check=False, env=env, capture_output=True, text=True,
                         timeout=60, cwd=base / "home" / user, user=uid, group=gid, extra_groups=[])
    if ok:
        assert out.returncode == 0, out.stderr
        return out.stdout
    assert out.returncode != 0, out.stdout
    return out.stderr


def _denied(base: Path, user: str, path: Path, how: str = "read") -> None:
    code = {"read": f"Path({str(path)!r}).read_text()", "list": f"os.listdir({str(path)!r})"}[how]
    err = _as(base, user, code, ok=False)
    assert "PermissionError" in err, err


def test_teams_as_unix_users_cannot_read_each_others_brief_or_moves(base):
    gdir = base / "class" / "simulation" / "week9"
    teams = json.loads(_as(base, "teacher", """
host = sim.ClassGame.start("gsomia_2019", "week9", ["ana", "ben", "teacher"])  # the instructor plays the third role
print(json.dumps(host.teams))"""))
    assert gdir.stat().st_gid == INSTRUCTORS_GID  # setgid: the game folder is the instructors'
    roles = {t: r for t, r in teams.items()}

    # Every team joins: each seat file is the team's own (0660, the instructors' group).
    _as(base, "teacher", "sim.join('week9')")
    for team in ("ana", "ben"):
        assert "has not been dealt yet" in _as(base, team, "sim.join('week9').brief()", ok=False)
    for team in ("ana", "ben"):
        seat = gdir / "seats" / f"{team}.json"
        st = seat.stat()
        assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (USERS[team][0], INSTRUCTORS_GID, 0o660)

    # Before the deal and after: ana cannot read the whole scenario, list the seats or read ben's.
    _denied(base, "ana", gdir / "host.json")
    _denied(base, "ana", gdir / "seats", "list")
    assert "play as your own account (ana), not as 'ben'" in _as(base, "ana", "sim.join('week9', 'ben')", ok=False)
    # Claiming to be ben (a forged JUPYTERHUB_USER) does not give ana ben's seat.
    assert "taken by another account" in _as(base, "ana", "sim.join('week9')", hub_user="ben", ok=False)

    assert sorted(json.loads(_as(base, "teacher", "print(json.dumps(sim.ClassGame('week9').deal()))"))) == ["ana", "ben", "teacher"]
    sc = sim.load_scenario("gsomia_2019")
    for team in ("ana", "ben"):
        assert _as(base, team, "print(sim.join('week9').brief())").strip() == sim.brief_text(sc, roles[team])
    _denied(base, "ana", gdir / "seats" / "ben.json")
    _denied(base, "ben", gdir / "seats" / "ana.json")

    # Round 1: ana moves; ben can neither read nor replace ana's move, nor list the round.
    hist = sc["debrief"]["historical_moves"]
    _as(base, "ana", f"sim.join('week9').submit({hist['r1'][roles['ana']]!r})")
    move = gdir / "moves" / "r1" / "ana.json"
    assert (move.stat().st_uid, move.stat().st_gid, move.stat().st_mode & 0o777) == (47101, INSTRUCTORS_GID, 0o640)
    _denied(base, "ben", move)
    _denied(base, "ben", gdir / "moves" / "r1", "list")
    err = _as(base, "ben", f"""
mine = Path({str(gdir / 'moves' / 'r1' / 'forged.json')!r})
mine.write_text('{{"team": "ana", "round": "r1", "option": "x"}}')
os.replace(mine, {str(move)!r})""", ok=False)
    assert "PermissionError" in err  # the sticky bit keeps ana's file ana's
    assert _as(base, "ben", "print(sim.join('week9').my_move())").strip() == "None"
    _as(base, "teacher", f"sim.join('week9').submit({hist['r1'][roles['teacher']]!r})")
    assert "no move from ben" in _as(base, "teacher", "sim.ClassGame('week9').resolve()", ok=False)
    _as(base, "ben", f"sim.join('week9').submit({hist['r1'][roles['ben']]!r})")
    _as(base, "teacher", "sim.ClassGame('week9').resolve()")
    seen = _as(base, "ben", "print(sim.join('week9').results_text())")
    label = next(o["label"] for o in sc["rounds"][0]["options"][roles["ana"]] if o["id"] == hist["r1"][roles["ana"]])
    assert label in seen  # once resolved, every team sees every move

    # Round 2: ana writes a move file in ben's name before ben does; the instructor refuses it.
    forged = gdir / "moves" / "r2" / "ben.json"
    _as(base, "ana", f"""
Path({str(forged)!r}).write_text(json.dumps({{"team": "ben", "role": {roles['ben']!r}, "round": "r2",
                                               "option": {hist['r2'][roles['ben']]!r}}}))""")
    _as(base, "ana", f"sim.join('week9').submit({hist['r2'][roles['ana']]!r})")
    _as(base, "teacher", f"sim.join('week9').submit({hist['r2'][roles['teacher']]!r})")
    assert "could not be saved" in _as(base, "ben", f"sim.join('week9').submit({hist['r2'][roles['ben']]!r})", ok=False)
    assert "written by another account" in _as(base, "teacher", "sim.ClassGame('week9').resolve()", ok=False)
    _as(base, "teacher", f"Path({str(forged)!r}).unlink()")  # the folder's owner may remove it
    _as(base, "ben", f"sim.join('week9').submit({hist['r2'][roles['ben']]!r})")
    _as(base, "teacher", "sim.ClassGame('week9').resolve()")
    assert "Alliance cohesion: 47/100" in _as(base, "ana", "print(sim.join('week9').results_text())")


def test_a_seat_taken_in_another_teams_name_stops_the_deal(base):
    _as(base, "teacher", "sim.ClassGame.start('gsomia_2019', 'week10', ['ana', 'ben', 'teacher'])")
    _as(base, "ana", "sim.join('week10')", hub_user="ben")  # before ben joins: ana now holds ben's seat
    _as(base, "ana", "sim.join('week10')")
    err = _as(base, "teacher", "sim.ClassGame('week10').deal()", ok=False)
    assert "were made by one account" in err and "same account as" in err
    assert "taken by another account" in _as(base, "ben", "sim.join('week10')", ok=False)
