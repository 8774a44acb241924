"""Notebook standards for the course's lessons: check them, and put notebooks into form.

Usage::

    python -m tools.notebook_standards check lessons/*.ipynb
    python -m tools.notebook_standards check [--strict-currency] lessons/*.ipynb
    python -m tools.notebook_standards currency lessons/*.ipynb
    python -m tools.notebook_standards strip [--execute] lessons/*.ipynb

A lesson is in form when
- it is valid nbformat 4 JSON with kernelspec ``python3``;
- its metadata carries ``lesson`` with ``number``, ``title``, ``objectives`` (list),
  ``minutes`` (int) and ``prerequisites`` (list);
- its text has the sections Overview, Key points, What's next and Sources (level-2
  headings), and the Overview states the objectives and time;
- no code cell keeps outputs or an execution count, except cells marked
  ``# NBVAL_CHECK_OUTPUT`` (or tagged ``nbval-check-output``), whose outputs are
  small plain-text expected results: no images, HTML, widget views or errors;
- there is no widget state in the notebook metadata;
- its metadata ``lesson.current_to`` (``YYYY-MM``, the month through which its facts
  were checked) matches the line ``*Facts checked to <Month YYYY>.*`` that the first
  cell shows under the subtitle.

``currency`` reports, per lesson, whether its ``current_to`` is earlier than the latest
``events`` row tagged with that lesson, and lists the undated "currently", "today",
"at present", "recent" and "recently" in its text (see :func:`undated_now_words`).

``strip`` (optionally after executing the notebook in a fresh kernel, in the
notebook's own folder) removes everything the check forbids and keeps the
checked cells' text outputs with their execution counts, which nbval needs to
compare them.
"""
from __future__ import annotations

import argparse
import calendar
import csv
import json
import re
import sys
from pathlib import Path

CHECK_MARK = "NBVAL_CHECK_OUTPUT"
CHECK_TAG = "nbval-check-output"
REQUIRED_METADATA = {
    "number": str,
    "title": str,
    "objectives": list,
    "minutes": int,
    "prerequisites": list,
}
REQUIRED_SECTIONS = ("Overview", "Key points", "What's next", "Sources")
TEXT_OUTPUT_TYPES = {"stream", "execute_result"}
MAX_CHECKED_OUTPUT_CHARS = 4000
EVENTS_CSV = Path(__file__).resolve().parents[1] / "datasets" / "events.csv"

# Every lesson carries `current_to` since issue 19 landed; the switch stays for a new
# lesson's first draft (`check` then reports only malformed or mismatched markers).
CURRENT_TO_MAY_BE_ABSENT = False

CURRENT_TO_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTHS = [calendar.month_name[m] for m in range(1, 13)]
FACTS_LINE_RE = re.compile(r"^\*Facts checked to (" + "|".join(MONTHS) + r") (\d{4})\.\*\s*$")
NOW_WORDS_RE = re.compile(r"\b(currently|today|at present|recently|(?<!most )recent)\b", re.I)
# A sentence counts as dated when it names a year (1900-2099) or a month, e.g. "as of
# June 2025", "since 2023", "in March". One rule, so writers can predict it.
DATE_NEAR_RE = re.compile(r"\b(19|20)\d\d\b|\b(" + "|".join(MONTHS) + r")\b")


def is_checked(cell: dict) -> bool:
    """True when nbval is meant to compare this cell's stored output (the cell tag; the
    old marker comment is refused by :func:`check_notebook`, since students read it)."""
    src = "".join(cell.get("source", ""))
    return CHECK_MARK in src or CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def _headings(nb: dict) -> list[str]:
    found = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            m = re.match(r"^##\s+(.+?)\s*$", line)
            if m:
                found.append(m.group(1).replace("\u2019", "'"))
    return found


def section_text(nb: dict, heading: str) -> str:
    """Return the markdown under the lesson's ``## <heading>...`` section (to the next ``##``)."""
    text, inside = [], False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            if re.match(r"^##\s+", line):
                inside = line.strip().lstrip("#").strip().startswith(heading)
                continue
            if inside:
                text.append(line)
    return "\n".join(text)


def _overview_text(nb: dict) -> str:
    return section_text(nb, "Overview")


def current_to(nb: dict) -> str | None:
    """Return the lesson's ``current_to`` metadata as written (None when absent)."""
    lesson = nb.get("metadata", {}).get("lesson", {})
    return lesson.get("current_to") if isinstance(lesson, dict) else None


def facts_checked_line(nb: dict) -> tuple[str, str] | None:
    """Return (month name, year) from the first cell's "*Facts checked to ...*" line."""
    cells = nb.get("cells", [])
    if not cells or cells[0].get("cell_type") != "markdown":
        return None
    for line in "".join(cells[0].get("source", "")).splitlines():
        m = FACTS_LINE_RE.match(line.strip())
        if m:
            return m.group(1), m.group(2)
    return None


def check_current_to(path: Path, nb: dict, strict: bool = False) -> list[str]:
    """Return the problems with the lesson's currency marker (metadata and visible line)."""
    value = current_to(nb)
    shown = facts_checked_line(nb)
    if value is None and shown is None and CURRENT_TO_MAY_BE_ABSENT and not strict:
        return []
    problems = []
    if value is None:
        problems.append(f"{path}: lesson metadata has no 'current_to' (YYYY-MM: the month its facts were checked to)")
    elif not isinstance(value, str) or not CURRENT_TO_RE.match(value):
        problems.append(f"{path}: lesson metadata 'current_to' is {value!r}, expected YYYY-MM")
    if shown is None:
        problems.append(f"{path}: the first cell has no line '*Facts checked to <Month YYYY>.*'")
    if isinstance(value, str) and CURRENT_TO_RE.match(value) and shown is not None:
        year, month = value.split("-")
        if (MONTHS[int(month) - 1], year) != shown:
            problems.append(f"{path}: 'current_to' {value} does not match the visible "
                            f"'Facts checked to {shown[0]} {shown[1]}'")
    return problems


def lesson_text_sentences(nb: dict) -> list[tuple[int, str]]:
    """Return (cell index, sentence) for the lesson's prose: markdown cells, code removed."""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        text = re.sub(r"```.*?```|`[^`]*`", " ", "".join(cell.get("source", "")), flags=re.S)
        text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are not prose
        for block in re.split(r"\n\s*\n|\n(?=\s*[-*|#>]|\s*\d+\.)", text):
            for sentence in re.split(r"(?<=[.!?;])\s+", block.replace("\n", " ")):
                if sentence.strip():
                    found.append((i, sentence.strip()))
    return found


def undated_now_words(nb: dict) -> list[tuple[int, str, str]]:
    """Return (cell, word, sentence) for each "currently"/"today"/"at present"/"recent(ly)"
    in a sentence that names no year and no month.

    The rule: a time word is dated when its own sentence (or list item or table row)
    contains a year from 1900 to 2099 or a month name. "Recent polls" fails; "the recent
    polls (October 2025)" passes. "Most recent" (the newest value of a series) is not a
    time word, and words inside quotation marks are a source's, not the course's."""
    found = []
    for i, sentence in lesson_text_sentences(nb):
        if DATE_NEAR_RE.search(sentence):
            continue
        # A quotation is a source's own words (a ministry's "the Takeshima of today"), not
        # the course's claim about the present.
        own_words = re.sub(r'"[^"]*"|“[^”]*”|「[^」]*」', " ", sentence)
        for m in NOW_WORDS_RE.finditer(own_words):
            found.append((i, m.group(1), sentence))
    return found


def latest_event_dates(events_csv: Path = EVENTS_CSV) -> dict[str, str]:
    """Return, per lesson number, the date (YYYY-MM-DD) of its latest ``events`` row."""
    latest: dict[str, str] = {}
    with Path(events_csv).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for number in row["lessons"].split(";"):
                if row["date"] > latest.get(number, ""):
                    latest[number] = row["date"]
    return latest


def currency_problems(path: Path, events_csv: Path = EVENTS_CSV) -> list[str]:
    """Return the currency problems of one lesson: a missing or malformed marker, a
    ``current_to`` earlier than its latest tagged event, and undated time words."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = check_current_to(path, nb, strict=True)
    number = nb.get("metadata", {}).get("lesson", {}).get("number")
    value = current_to(nb)
    newest = latest_event_dates(events_csv).get(number)
    if isinstance(value, str) and CURRENT_TO_RE.match(value) and newest and newest[:7] > value:
        problems.append(f"{path}: current_to {value} is earlier than its latest events row ({newest})")
    for cell, word, sentence in undated_now_words(nb):
        problems.append(f"{path}: cell {cell}: '{word}' with no date in its sentence: {sentence[:120]!r}")
    return problems


def check_notebook(path: Path, strict_currency: bool = False) -> list[str]:
    """Return the problems found in one lesson notebook (empty when it is in form)."""
    problems: list[str] = []
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: not readable as notebook JSON ({exc})"]
    if nb.get("nbformat") != 4:
        problems.append(f"{path}: nbformat is {nb.get('nbformat')!r}, expected 4")
    meta = nb.get("metadata", {})
    if meta.get("kernelspec", {}).get("name") != "python3":
        problems.append(f"{path}: kernelspec name must be 'python3'")
    if "widgets" in meta:
        problems.append(f"{path}: notebook metadata keeps widget state (run make strip)")
    lesson = meta.get("lesson")
    if not isinstance(lesson, dict):
        problems.append(f"{path}: metadata has no 'lesson' entry (title, objectives, minutes, prerequisites)")
    else:
        for key, kind in REQUIRED_METADATA.items():
            value = lesson.get(key)
            empty = value in ("", []) and key != "prerequisites"
            if not isinstance(value, kind) or empty:
                problems.append(f"{path}: lesson metadata '{key}' missing or not a {kind.__name__}")
        number = lesson.get("number")
        if isinstance(number, str) and not Path(path).name.startswith(number + "_"):
            problems.append(f"{path}: lesson number {number!r} does not match the file name")
    problems.extend(check_current_to(path, nb, strict=strict_currency))
    headings = _headings(nb)
    for section in REQUIRED_SECTIONS:
        if not any(h.startswith(section) for h in headings):
            problems.append(f"{path}: no '## {section}' section")
    overview = _overview_text(nb).lower()
    if overview and ("minute" not in overview or "objective" not in overview and "you will" not in overview):
        problems.append(f"{path}: the Overview must state the objectives and the time in minutes")
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            if cell.get("attachments"):
                problems.append(f"{path}: cell {i} has attachments (ship images as files with alt text)")
            if cell.get("cell_type") == "markdown":
                text = re.sub(r"```.*?```|`[^`]*`", "", "".join(cell.get("source", [])), flags=re.S)
                if re.search(r"(?<!\\)\$", text):
                    problems.append(f"{path}: cell {i} has an unescaped '$' (JupyterLab typesets the text "
                                    "between two as maths): write USD")
                for para in re.split(r"\n\s*\n", text):
                    if para.count("$") >= 2:  # escaped or not: JupyterLab 4 typesets \$...\$ too
                        problems.append(f"{path}: cell {i} has two '$' in one paragraph (JupyterLab typesets "
                                        f"the text between them as maths, escaped or not): write USD: "
                                        f"{para.strip()[:80]!r}")
                        break
            continue
        if CHECK_MARK in "".join(cell.get("source", "")):
            problems.append(f"{path}: cell {i} carries the '# {CHECK_MARK}' comment, which students read: "
                            f"tag the cell '{CHECK_TAG}' instead")
        outputs = cell.get("outputs", [])
        if not is_checked(cell):
            if outputs:
                problems.append(f"{path}: cell {i} keeps outputs (only checked cells may; run make strip)")
            if cell.get("execution_count") is not None:
                problems.append(f"{path}: cell {i} keeps an execution count (run make strip)")
            continue
        if cell.get("execution_count") is None:
            problems.append(f"{path}: checked cell {i} has no execution count, so nbval would not compare it")
        if not outputs:
            problems.append(f"{path}: checked cell {i} has no stored output to compare")
        size = 0
        for out in outputs:
            if out.get("output_type") not in TEXT_OUTPUT_TYPES:
                problems.append(f"{path}: checked cell {i} stores a {out.get('output_type')} output")
                continue
            data = out.get("data", {})
            extra = set(data) - {"text/plain"}
            if extra:
                problems.append(f"{path}: checked cell {i} stores {sorted(extra)} (plain text only)")
            text = out.get("text", "") if out.get("output_type") == "stream" else data.get("text/plain", "")
            size += len("".join(text))
        if size > MAX_CHECKED_OUTPUT_CHARS:
            problems.append(f"{path}: checked cell {i} stores {size} characters of output (keep it small)")
    return problems


def strip_notebook(nb: dict) -> dict:
    """Return the notebook in committed form (see the module docstring)."""
    nb = dict(nb)
    meta = dict(nb.get("metadata", {}))
    meta.pop("widgets", None)
    nb["metadata"] = meta
    cells = []
    for cell in nb.get("cells", []):
        cell = dict(cell)
        cell_meta = dict(cell.get("metadata", {}))
        for key in ("execution", "collapsed", "scrolled"):
            cell_meta.pop(key, None)
        cell["metadata"] = cell_meta
        if cell.get("cell_type") == "code":
            if is_checked(cell):
                kept = []
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "stream":
                        kept.append(out)
                    elif out.get("output_type") == "execute_result" and "text/plain" in out.get("data", {}):
                        kept.append(
                            {
                                "output_type": "execute_result",
                                "execution_count": cell.get("execution_count"),
                                "data": {"text/plain": out["data"]["text/plain"]},
                                "metadata": {},
                            }
                        )
                cell["outputs"] = kept
            else:
                cell["outputs"] = []
                cell["execution_count"] = None
        cells.append(cell)
    nb["cells"] = cells
    return nb


def execute_notebook(path: Path, timeout: int = 300) -> dict:
    """Run the notebook top to bottom in a fresh python3 kernel, in its own folder."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}}
    )
    client.execute()
    return json.loads(nbformat.writes(nb))


def write_notebook(path: Path, nb: dict) -> None:
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check_p = sub.add_parser("check", help="report notebooks that are not in form")
    check_p.add_argument("--strict-currency", action="store_true",
                         help="a lesson without current_to fails too (see CURRENT_TO_MAY_BE_ABSENT)")
    check_p.add_argument("paths", nargs="+", type=Path)
    cur_p = sub.add_parser("currency", help="report stale current_to and undated 'currently'/'recent'")
    cur_p.add_argument("paths", nargs="+", type=Path)
    strip_p = sub.add_parser("strip", help="put notebooks into committed form")
    strip_p.add_argument("--execute", action="store_true", help="run each notebook first")
    strip_p.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)

    if args.command == "currency":
        problems = [p for path in args.paths for p in currency_problems(path)]
        for p in problems:
            print(p)
        print(f"{len(args.paths)} notebooks checked for currency, {len(problems)} problems")
        return 1 if problems else 0

    if args.command == "check":
        problems = [p for path in args.paths for p in check_notebook(path, args.strict_currency)]
        for p in problems:
            print(p)
        print(f"{len(args.paths)} notebooks checked, {len(problems)} problems")
        return 1 if problems else 0

    for path in args.paths:
        if args.execute:
            print(f"executing {path} ...", flush=True)
            nb = execute_notebook(path)
        else:
            nb = json.loads(path.read_text(encoding="utf-8"))
        write_notebook(path, strip_notebook(nb))
        print(f"stripped {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
