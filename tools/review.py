"""What to re-check this term: per lesson, the month its facts were checked to, the newest
source date its Sources section cites, and the newest ``events`` row dated after it.

Usage::

    python -m tools.review            # or: make review (from the repository root)

A maintainer reads down the last column: a lesson with events after its ``current_to``
needs those events taught (or consciously left out) before ``current_to`` moves on.
See docs/updating.md for the yearly update.
"""
from __future__ import annotations

import calendar
import csv
import json
import re
import sys
from pathlib import Path

from tools import notebook_standards as ns

ROOT = Path(__file__).resolve().parents[1]

MONTH_NUMBER = {calendar.month_name[m].lower(): m for m in range(1, 13)}
MONTH_NUMBER.update({calendar.month_abbr[m].lower(): m for m in range(1, 13)})
ISO_RE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])(?:-(\d\d))?\b")
MONTH_YEAR_RE = re.compile(r"\b(" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r")\.?,? ((?:19|20)\d\d)\b", re.I)
YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")


def sources_text(nb: dict) -> str:
    """Return the markdown of the lesson's '## Sources' section."""
    return ns.section_text(nb, "Sources")


def newest_cited_date(text: str) -> str:
    """Return the newest date the text names, as YYYY-MM (or YYYY when only years), or '-'."""
    months = [f"{y}-{m}" for y, m, _ in ISO_RE.findall(text)]
    months += [f"{y}-{MONTH_NUMBER[name.lower()]:02d}" for name, y in MONTH_YEAR_RE.findall(text)]
    if months:
        return max(months)
    years = YEAR_RE.findall(text)
    return max(years) if years else "-"


def events_after(month: str | None, events_csv: Path = ns.EVENTS_CSV) -> list[dict]:
    """Return the events rows dated after the given YYYY-MM (all rows when None), newest first."""
    with Path(events_csv).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    later = [r for r in rows if month is None or r["date"][:7] > month]
    return sorted(later, key=lambda r: r["date"], reverse=True)


def review_rows(lessons_dir: Path = ROOT / "lessons", events_csv: Path = ns.EVENTS_CSV) -> list[dict]:
    """Return one row per lesson: number, current_to, newest source, newest later event."""
    rows = []
    for path in sorted(Path(lessons_dir).glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        number = nb.get("metadata", {}).get("lesson", {}).get("number", path.name[:2])
        cur = ns.current_to(nb)
        later = events_after(cur if isinstance(cur, str) else None, events_csv)
        mine = [r for r in later if number in r["lessons"].split(";")]
        rows.append({
            "lesson": number,
            "current_to": cur if cur else "(none)",
            "newest_source": newest_cited_date(sources_text(nb)),
            "events_after": len(later),
            "newest_event_after": f"{later[0]['date']} {later[0]['event_id']} {later[0]['title']}" if later else "-",
            "own_events_after": len(mine),
        })
    return rows


def main() -> int:
    rows = review_rows()
    head = f"{'lesson':<7}{'current_to':<12}{'newest source':<15}{'own/all later':<15}newest event after current_to"
    print(head)
    print("-" * len(head))
    for r in rows:
        counts = f"{r['own_events_after']}/{r['events_after']}"
        print(f"{r['lesson']:<7}{r['current_to']:<12}{r['newest_source']:<15}{counts:<15}{r['newest_event_after'][:70]}")
    print("\n'own/all later': events rows after current_to tagged with the lesson / in the whole dataset.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
