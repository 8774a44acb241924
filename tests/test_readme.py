"""The README tells the truth: its syllabus matches lessons/, its commands match the Makefile."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\((lessons/[^)]+\.ipynb)\)\s*\|\s*(\d+)\s*min\s*\|", re.M)


def _syllabus_rows():
    return [(n, title, path, int(minutes)) for n, title, path, minutes in ROW.findall(README)]


def test_readme_starts_with_the_two_commands():
    first_screen = "\n".join(README.splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen


def test_every_lesson_is_listed_and_every_listed_lesson_exists():
    from helpers import course

    listed = {path for _, _, path, _ in _syllabus_rows()}
    on_disk = {f"lessons/{p.name}" for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")}
    assert listed == on_disk
    by_file = {f"lessons/{m['file']}": m for m in course.lessons()}
    for number, title, path, minutes in _syllabus_rows():
        meta = by_file[path]
        assert (number, title, minutes) == (meta["number"], meta["title"], meta["minutes"]), path


def test_binder_links_cover_every_lesson():
    for _, _, path, _ in _syllabus_rows():
        assert f"labpath={path}" in README, f"no Binder link for {path}"


def test_make_targets_named_in_the_readme_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    for target in set(re.findall(r"`make ([a-z][a-z-]*)`", README)):
        assert target in targets, f"README mentions `make {target}` but the Makefile has no such target"
