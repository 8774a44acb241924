"""Mutation testing of the course's core modules with mutmut, and its report.

    python tools/mutation.py run [NAME ...]      run mutmut on those modules (default: all)
    python tools/mutation.py report              rewrite docs/mutation.md from the results
    python tools/mutation.py baseline [NAME ...] record the current counts as "before"

The module list is the ``[[tool.allies.mutation]]`` tables of pyproject.toml (name,
path, tests, optional functions); the mutmut settings every run shares are its
``[tool.mutmut]`` table. Each module runs in its own work folder ``.mutation/<name>/``
(a copy of helpers/, tests/, datasets/ and lessons/ with a pyproject.toml written for
that module), so it mutates only its own file and runs only its own fast test files,
and mutmut's results stay there between runs (a rerun retests only changed functions).

Judgements live in ``tools/mutation_equivalents.toml``: for each mutant judged
equivalent (no test can tell it from the original), the mutated line and a one-line
reason; the report lists them apart and leaves them out of the score. A judgement
whose line no longer matches the mutant is reported as stale, not applied.
"""
from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
REPORT = ROOT / "docs" / "mutation.md"
JUDGEMENTS = ROOT / "tools" / "mutation_equivalents.toml"
COPY = ["helpers", "tests", "datasets", "lessons"]
DETECTED = {"killed", "timeout"}


def _config() -> tuple[dict, list[dict]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["mutmut"], data["tool"]["allies"]["mutation"]


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def _globs(module: dict) -> list[str]:
    """mutmut mutant-name globs for a module (all of it, or the listed functions)."""
    mod = _module_name(module["path"])
    funcs = module.get("functions")
    if not funcs:
        return [f"{mod}.*"]
    out = []
    for f in funcs:
        if "." in f:  # Class.method
            cls, meth = f.split(".", 1)
            out.append(f"{mod}.x\u01c1{cls}\u01c1{meth}__mutmut_*")
        else:
            out.append(f"{mod}.x_{f}__mutmut_*")
    return out


def _prepare(module: dict, shared: dict) -> Path:
    """Refresh the module's work folder: the sources and a pyproject.toml of its own."""
    work = WORK / module["name"]
    work.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COPY:
        target = work / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / name, target, ignore=ignore)
    tests = [t for t in module["tests"] if (ROOT / t).exists()]
    settings = dict(shared)
    settings["source_paths"] = ["helpers/"]
    settings["only_mutate"] = [module["path"]]
    settings["pytest_add_cli_args_test_selection"] = tests
    for node in module.get("deselect", []):
        settings["pytest_add_cli_args"] = [*settings.get("pytest_add_cli_args", []), "--deselect", node]
    lines = ["# Written by tools/mutation.py for one module; edit pyproject.toml instead.", "[tool.mutmut]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items()]
    lines += [
        "", "[tool.pytest.ini_options]", 'addopts = "-p no:cacheprovider"',
        'markers = ["slow: slow", "browser: browser"]',
        'filterwarnings = ["ignore::DeprecationWarning:jupyter_client.*"]', "",
    ]
    (work / "pyproject.toml").write_text("\n".join(lines), encoding="utf-8")
    return work


def _mutmut(work: Path, *args: str, timeout: float | None = None, log=None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("mutmut")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([str(exe), *args], check=False, cwd=work, env=env, timeout=timeout, text=True,
                          stdout=log or subprocess.PIPE, stderr=subprocess.STDOUT if log else subprocess.PIPE)


_GENERATE = """
import json, os
from pathlib import Path
from mutmut.__main__ import (copy_also_copy_files, copy_src_dir, create_mutants, setup_source_paths,
                             store_lines_covered_by_tests, walk_mutatable_files)
from mutmut.mutation.data import SourceFileMutationData
os.makedirs("mutants", exist_ok=True)
copy_src_dir(); copy_also_copy_files(); setup_source_paths(); store_lines_covered_by_tests()
create_mutants(1)
names = []
for path in walk_mutatable_files():
    m = SourceFileMutationData(path=path)
    m.load()
    names += list(m.exit_code_by_key)
print(json.dumps(names))
"""


def _sample(module: dict, work: Path, size: int) -> list[str]:
    """An evenly spread, repeatable sample of ``size`` of the module's mutants."""
    import json

    proc = subprocess.run([sys.executable, "-c", _GENERATE], check=False, cwd=work, capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode:
        sys.exit(f"generating mutants in {work} failed:\n{proc.stderr[-2000:]}")
    names = sorted((n for n in json.loads(proc.stdout.splitlines()[-1])
                    if any(fnmatch.fnmatchcase(n, g) for g in _globs(module))), key=_natural)
    if size >= len(names):
        return names
    step = len(names) / size
    return [names[int(i * step)] for i in range(size)]


def run(names: list[str], jobs: int, minutes: float, tests: list[str] | None = None,
        sample: int | None = None) -> None:
    shared, modules = _config()
    if tests:  # e.g. the suite as it was, for a baseline
        modules = [dict(m, tests=tests) for m in modules]
    chosen = [m for m in modules if not names or m["name"] in names]
    unknown = set(names) - {m["name"] for m in modules}
    if unknown:
        sys.exit(f"No module called {', '.join(sorted(unknown))} in [[tool.allies.mutation]] of pyproject.toml.")
    for module in chosen:
        work = _prepare(module, shared)
        start = time.monotonic()
        print(f"mutation: {module['name']} ({module['path']}) with {', '.join(module['tests'])}", flush=True)
        # mutmut reruns every mutant named on its command line and, run without names,
        # only the mutants it has no result for. So: a first run names nothing (or the
        # module's function globs); a rerun names the survivors (new tests may kill them;
        # none can un-kill a mutant), then, for a whole-file module, runs without names
        # to pick up the mutants of functions changed since.
        before = results(module)
        _remember_detected(module, before)
        steps = []
        if sample and not (work / "sample.txt").exists():
            steps.append(_sample(module, work, sample))
            (work / "sample.txt").write_text(f"{len(steps[0])}\n", encoding="utf-8")
        elif before:
            left = sorted((n for n, (s, _) in before.items() if s == "survived"), key=_natural)
            if left:
                steps.append(left)
            if not module.get("functions") and not (work / "sample.txt").exists():
                steps.append([])
            else:
                steps.append(sorted(n for n, (s, _) in before.items() if s not in DETECTED | {"survived"}))
        else:
            steps.append(_globs(module) if module.get("functions") else [])
        status = "nothing to run"
        with open(work / "run.log", "w", encoding="utf-8") as log:
            for names_ in steps:
                if module.get("functions") and not names_ and before:
                    continue
                left_s = minutes * 60 - (time.monotonic() - start)
                try:
                    proc = _mutmut(work, "run", "--max-children", str(jobs), *names_, timeout=max(left_s, 60),
                                   log=log)
                    status = f"exit {proc.returncode}"
                except subprocess.TimeoutExpired:
                    status = f"stopped after {minutes:g} min (rerun to continue)"
                    break
        (work / "last_run.txt").write_text(
            f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {time.monotonic() - start:.0f} s, {status}\n",
            encoding="utf-8")
        print(f"mutation: {module['name']} {status}; {_counts_text(results(module))}", flush=True)


_DUMP = """
import fnmatch, json, sys
from mutmut.__main__ import walk_mutatable_files
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
want = sys.argv[1] == "diffs"
globs = sys.argv[2:]
out = {}
for path in walk_mutatable_files():
    m = SourceFileMutationData(path=path)
    m.load()
    for k, v in m.exit_code_by_key.items():
        if globs and not any(fnmatch.fnmatchcase(k, g) for g in globs):
            continue  # another part of the file: no diff to compute (maps.py has 2,600 mutants)
        status = status_by_exit_code[v]
        out[k] = [status, get_diff_for_mutant(k, path=path) if want else ""]
json.dump(out, sys.stdout)
"""


def results(module: dict, diffs: bool = False) -> dict[str, list]:
    """mutant name -> [status, diff] for the module's selected mutants (empty when never run).

    The diff (mutmut's own, as ``mutmut show`` prints it) only with ``diffs=True``.
    """
    import json

    work = WORK / module["name"]
    if not (work / "mutants").exists():
        return {}
    proc = subprocess.run([sys.executable, "-c", _DUMP, "diffs" if diffs else "status", *_globs(module)],
                          check=False, cwd=work,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode:
        sys.exit(f"reading mutmut's results in {work} failed:\n{proc.stderr[-2000:]}")
    found = json.loads(proc.stdout or "{}")
    # A change of the test files makes mutmut forget every result. New tests cannot
    # un-kill a mutant, so a mutant detected before and not rerun since keeps its verdict.
    previous = work / "detected.json"
    if previous.exists():
        for k, status in json.loads(previous.read_text(encoding="utf-8")).items():
            if k in found and found[k][0] not in DETECTED | {"survived"}:
                found[k][0] = status
    return {k: v for k, v in found.items() if any(fnmatch.fnmatchcase(k, g) for g in _globs(module))}


def _remember_detected(module: dict, found: dict) -> None:
    import json

    path = WORK / module["name"] / "detected.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    old.update({k: v[0] for k, v in found.items() if v[0] in DETECTED})
    path.write_text(json.dumps(old, indent=0), encoding="utf-8")


def _judgements() -> dict:
    if not JUDGEMENTS.exists():
        return {}
    return tomllib.loads(JUDGEMENTS.read_text(encoding="utf-8"))


def _mutated_lines(diff: str) -> list[str]:
    return [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]


def _judged_line_matches(line: str, diff: str) -> bool:
    """A judgement's line is the mutated line; for a mutant that only deletes, "-" + the deleted line."""
    line = line.strip()
    if line.startswith("- "):
        return line[2:].strip() in [x[1:].strip() for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")]
    return line in _mutated_lines(diff)


_STRING = re.compile(r"""(?:\b[rbfuRBFU]{1,2})?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def _text_only(diff: str) -> bool:
    """True when a mutant changes only the wording of message text.

    That is: the removed and added lines are the same once string literals are blanked,
    and every changed literal held a space in the original (a message, not a key such
    as "type" or "enum", whose mutants change behaviour and count as logic).
    """
    old = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    new = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    if len(old) != len(new) or not old:
        return False
    for a, b in zip(old, new):
        if _STRING.sub("S", a) != _STRING.sub("S", b):
            return False
        for x, y in zip(_STRING.findall(a), _STRING.findall(b)):
            if x != y and not re.search(r"\s", x[1:-1] if x[0] in "\"'" else x):
                return False
    return old != new


def _counts(found: dict[str, list], equivalent: set[str] = frozenset()) -> dict:
    """Counts of one module's mutants: all of them, and the logic ones (not message text)."""
    c = {"total": len(found), "killed": 0, "timeout": 0, "survived": 0, "other": 0, "equivalent": 0,
         "text_survived": 0, "text_detected": 0}
    for name, (status, diff) in found.items():
        text = bool(diff) and _text_only(diff)
        if name in equivalent and status == "survived":
            c["equivalent"] += 1
        elif status in ("killed", "timeout", "survived"):
            c[status] += 1
            if text:
                c["text_survived" if status == "survived" else "text_detected"] += 1
        else:
            c["other"] += 1
    judged = c["killed"] + c["timeout"] + c["survived"]
    c["score"] = (c["killed"] + c["timeout"]) / judged if judged else None
    logic = judged - c["text_survived"] - c["text_detected"]
    c["logic"] = logic
    c["logic_detected"] = c["killed"] + c["timeout"] - c["text_detected"]
    c["logic_score"] = c["logic_detected"] / logic if logic else None
    return c


def _counts_text(found: dict[str, list]) -> str:
    c = _counts(found)
    if not c["total"]:
        return "no results"
    return (f"{c['total']} mutants: {c['killed']} killed, {c['timeout']} timeout, {c['survived']} survived, "
            f"{c['other']} not run or not covered")


def _pct(score) -> str:
    return "-" if score is None else f"{100 * score:.1f}%"


def _score_cell(detected: int, judged: int) -> str:
    return f"{_pct(detected / judged if judged else None)} ({detected}/{judged})" if judged else "-"


def baseline(names: list[str]) -> None:
    _, modules = _config()
    counted = {}
    for module in modules:
        if names and module["name"] not in names:
            continue
        found = results(module, diffs=True)
        if found:
            c = _counts(found)
            counted[module["name"]] = {k: c[k] for k in ("total", "killed", "timeout", "survived", "other",
                                                        "logic", "logic_detected")}
            counted[module["name"]]["date"] = f"{dt.date.today():%Y-%m-%d}"
            print(f"baseline {module['name']}: {_counts_text(found)}")
    # Read the judgements only now: reading results can take minutes, and a judgement
    # written meanwhile must not be lost.
    judged = _judgements()
    judged.setdefault("baseline", {}).update(counted)
    _write_judgements(judged)


def _write_judgements(judged: dict) -> None:
    head = ("# Mutation-testing judgements, read by tools/mutation.py (make mutation).\n"
            "# [baseline.<module>]: the counts before tests were added to kill survivors\n"
            "# (python tools/mutation.py baseline <module> after a run on the old tests).\n"
            "# [equivalent.\"<mutant>\"]: line = the mutated line (+ side of mutmut show), reason = why\n"
            "# no test can tell this mutant from the original.\n")
    parts = [head]
    for name, c in judged.get("baseline", {}).items():
        parts.append(f"\n[baseline.{name}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in c.items()))
    for name, j in sorted(judged.get("equivalent", {}).items(), key=lambda kv: _natural(kv[0])):
        parts.append(f'\n[equivalent."{name}"]\nline = {_toml_value(j["line"])}\nreason = {_toml_value(j["reason"])}\n')
    JUDGEMENTS.write_text("".join(parts), encoding="utf-8")


def report() -> None:
    shared, modules = _config()
    judged = _judgements()
    base = judged.get("baseline", {})
    equiv = judged.get("equivalent", {})
    out = [
        "# Mutation testing report",
        "",
        (f"Generated by `make mutation` (tools/mutation.py) on {dt.date.today():%d %B %Y}, with {_version()} on "
        f"Python {sys.version.split()[0]}. Do not edit by hand: the judgements of equivalent mutants and the "
        "before-scores are in `tools/mutation_equivalents.toml`, the module list and each module's test "
        "files in pyproject.toml (`[[tool.allies.mutation]]`)."),
        "",
        ("A mutant is a small change to the code (a flipped comparison, a changed number, a dropped argument, "
        "a string wrapped in `XX`). It is *killed* when a test fails on it, a *timeout* when the tests run "
        f"past the limit ({shared.get('timeout_multiplier')} x the clean run + {shared.get('timeout_constant')} s; "
        "counted as detected), *survived* when every test still passes. *Equivalent* survivors behave "
        "exactly like the original and are left out of the scores; *other* counts mutants not run (a run cut "
        "short by `MUTATION_MINUTES`, or left out of a sample) or reached by no test."),
        "",
        ("*Logic* mutants change behaviour; *text* mutants change only the wording of a message (every changed "
        "string literal holds a space, e.g. an error message's prose; a key such as `\"type\"` counts as "
        "logic). The target is a logic score of at least 90%; the tests pin the parts of each message a "
        "student needs (file, row, column, what was expected and found), not every word."),
        "",
        ("Score = (killed + timeout) / (killed + timeout + survived), equivalents excluded. mutmut mutates code "
        "inside functions only: module-level constants (such as `models.ASSUMPTIONS`, `data._TRUE`) and "
        "decorated functions (`@functools.lru_cache`, `@property`) are not mutated."),
        "",
        ("| module | file | last run | mutants | killed | timeout | survived (text) | equivalent | other "
        "| logic score before | logic score after | all, after |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    sections = []
    for module in modules:
        found = results(module, diffs=True)
        b = base.get(module["name"])
        before = _score_cell(b["logic_detected"], b["logic"]) + f", {b['date']}" if b else "-"
        if not found:
            out.append(f"| {module['name']} | `{module['path']}` | not run | | | | | | | {before} | | |")
            continue
        last = WORK / module["name"] / "last_run.txt"
        when = last.read_text(encoding="utf-8").split(",")[0] if last.exists() else "?"
        sampled = WORK / module["name"] / "sample.txt"
        if sampled.exists():
            run_ = sum(1 for st, _ in found.values() if st in DETECTED | {"survived"})
            when += f"; {run_} of {len(found)} mutants run (first run: an even sample of " \
                    f"{sampled.read_text(encoding='utf-8').strip()})"
        survivors = sorted((n for n, (s, _) in found.items() if s == "survived"), key=_natural)
        good_equiv, stale = set(), set()
        for n in survivors:
            j = equiv.get(n)
            if j and _judged_line_matches(j["line"], found[n][1]):
                good_equiv.add(n)
            elif j:
                stale.add(n)
        c = _counts(found, good_equiv)
        out.append(
            f"| {module['name']} | `{module['path']}` | {when} | {c['total']} | {c['killed']} | {c['timeout']} | "
            f"{c['survived']} ({c['text_survived']}) | {c['equivalent']} | {c['other']} | {before} | "
            f"{_score_cell(c['logic_detected'], c['logic'])} | "
            f"{_score_cell(c['killed'] + c['timeout'], c['killed'] + c['timeout'] + c['survived'])} |")
        sec = [f"## {module['name']} (`{module['path']}`)", "",
               "Tests: " + ", ".join(f"`{t}`" for t in module["tests"] if (ROOT / t).exists()) + "."]
        if module.get("functions"):
            sec.append("Functions: " + ", ".join(f"`{f}`" for f in module["functions"]) + ".")
        others = sorted((f"`{n}` ({s})" for n, (s, _) in found.items()
                         if s not in ("killed", "timeout", "survived")), key=_natural)
        if others:
            sec += ["", f"Not judged ({len(others)}: not run, or no test reaches them): "
                    + ", ".join(others[:30]) + (f" and {len(others) - 30} more" if len(others) > 30 else "") + "."]
        eq = [n for n in survivors if n in good_equiv]
        logic = [n for n in survivors if n not in good_equiv and not _text_only(found[n][1])]
        text = [n for n in survivors if n not in good_equiv and _text_only(found[n][1])]
        if eq:
            sec += ["", f"### Equivalent survivors ({len(eq)})", ""]
            for n in eq:
                sec += [f"- `{n}`: {equiv[n]['reason']}", "", "```diff", _strip_head(found[n][1]), "```", ""]
        if logic:
            sec += ["", f"### Surviving logic mutants ({len(logic)})", ""]
            for n in logic:
                note = " (judged equivalent before, but the line no longer matches: re-judge)" if n in stale else ""
                sec += [f"- `{n}`{note}", "", "```diff", _strip_head(found[n][1]), "```", ""]
        if text:
            sec += ["", f"### Surviving text mutants ({len(text)})", "", "<details><summary>diffs</summary>", ""]
            for n in text:
                sec += [f"- `{n}`", "", "```diff", _strip_head(found[n][1]), "```", ""]
            sec += ["</details>", ""]
        if not survivors:
            sec += ["", "No survivors."]
        sections.append("\n".join(sec).rstrip() + "\n")
    out += ["", ("How to run: `make mutation` (every module; `make mutation MUTATION_MODULES=\"data geo\"` for "
            "some; `MUTATION_MINUTES` caps each module's run, and a rerun continues). One mutant: "
            "`cd .mutation/<module> && ../../.venv/bin/mutmut show <name>` (or `apply` it to a scratch copy)."), ""]
    notes = ROOT / "tools" / "mutation_notes.md"
    if notes.exists():  # hand-written remarks on the latest run
        out += [notes.read_text(encoding="utf-8").rstrip(), ""]
    REPORT.write_text("\n".join(out) + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)}")


def _strip_head(diff: str) -> str:
    return "\n".join(line for line in diff.splitlines() if not line.startswith("# "))


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _version() -> str:
    try:
        from importlib.metadata import version

        return f"mutmut {version('mutmut')}"
    except Exception:  # noqa: BLE001 - the report still says which tool
        return "mutmut (version unknown)"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "report", "baseline"])
    parser.add_argument("modules", nargs="*", help="module names from [[tool.allies.mutation]] (default: all)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "1")))
    parser.add_argument("--tests", nargs="+", help="run with these test files instead of the configured ones")
    parser.add_argument("--sample", type=int, default=int(os.environ.get("MUTATION_SAMPLE", "0")) or None,
                        help="on a first run, test only this many mutants, evenly spread (the report says so)")
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("MUTATION_MINUTES", "30")))
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args.modules, args.jobs, args.minutes, args.tests, args.sample)
    elif args.command == "baseline":
        baseline(args.modules)
    else:
        report()


if __name__ == "__main__":
    main()
