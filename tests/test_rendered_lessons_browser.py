"""What a student sees in JupyterLab: no maths a lesson did not mean, no internal ids.

Every lesson (discovered from lessons/) is opened in a real JupyterLab 4 in headless
Chromium, all its cells are run (Run All), and the rendered notebook is read once the
run is over (kernel idle, last cell run with its output) and the maths typesetter has
finished (see ``_typeset_barrier``). Two checks read that rendering:

- unintended maths: JupyterLab typesets text between two ``$`` signs
  (``$...$``, ``$$...$$``, ``\\(...\\)``) in markdown, in HTML outputs and in widget
  labels and descriptions, so "$5 and $6" becomes run-together italic maths. The test
  fails on every MathJax or KaTeX container (``mjx-container``, ``.MathJax``,
  ``.katex``) in markdown or outputs that the lesson does not list in ``MEANT_MATHS``
  (no lesson means maths today). Escaping does not help: JupyterLab typesets the text
  between two ``\\$`` of one markdown run as well (jupyterlab/jupyterlab#8645, open),
  and ``\\\\$`` shows a backslash on GitHub and in Jupyter Book. So prose writes "USD 300
  million"; a single "US$" or ``\\$`` in a run of text (a quotation) is safe.
- internal ids: fails when the text a student reads (rendered markdown,
  outputs, image alt text, map frames; not code cells' input, which students read as
  code, nor code the prose gives to run, such as ``show_positions("sea_name")``, and
  not URLs or file names) shows an internal identifier: a snake_case row id, tag or
  column name from the datasets or a quiz question id (``oki_dogo``, ``ev2019_57``,
  ``sipri_2024``, ``cost_sharing``, ``amount_krw_bn``), a raw ISO3 list
  (``KOR;JPN;USA``) or padded text in brackets (``(unstated      )``). Dataset and
  scenario names (``us_troops``, ``gsomia_2019``) are not internal: students load them
  by those names and lessons cite them as sources.

``test_checks_catch_a_planted_copy`` proves both checks bite: it copies lesson 00 into
a temporary folder, adds "$5 and $6", a dataset id, an ISO3 list and padded text,
serves that folder from its own JupyterLab and expects each to be reported (and an id
that appears only in a code cell's input, or only in a URL, not to be).

The lessons themselves are checked inside ``tests/test_browser_lessons.py``'s one run of
each lesson (``snapshot_page`` then ``check_rendered``), so no lesson runs twice in the
browser suite; the snapshot is saved in test-artifacts/browser/rendered/. Waits are for conditions,
never for a fixed time. Without Chromium the tests skip, except under ``CI=true``,
where they fail (conftest.py). Run a few lessons with ``-k``, e.g.
``pytest -n 0 tests/test_browser_lessons.py -k "00 or 05"``.
"""
from __future__ import annotations

import csv
import json
import re
import urllib.request
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import MAP_READY_JS, browser_missing, skip_or_fail
from tools.screenshots import (
    ARTIFACTS, ROOT, error_outputs, lab_server, lessons, map_frames, open_notebook,
    route_offline, run_all, wait_run_finished,
)

pytestmark = pytest.mark.browser

RUN_TIMEOUT_S = 240
LESSONS = lessons()
DATASETS = ROOT / "datasets"

#: Maths a lesson means to typeset: lesson stem -> the text of each formula as the
#: typeset container reads it (its characters, spaces removed), e.g. ``"x2"`` for ``$x^2$``.
#: No lesson means maths today; money in prose is written "USD 300 million".
MEANT_MATHS: dict[str, list[str]] = {}

#: Internal ids a lesson means to show, lesson stem -> ids (none today).
MEANT_IDS: dict[str, list[str]] = {}

#: Hits this test found in text that other files produce, reported to whoever owns them:
#: lesson stem -> [(regex on the reported line, where it comes from)]. They are printed;
#: an entry that no longer matches anything fails the test, so it goes once fixed.
KNOWN_IDS: dict[str, list[tuple[str, str]]] = {}

# Typeset maths of every engine JupyterLab can use: MathJax 3 (JupyterLab 4), MathJax 2
# (older front ends and extensions), KaTeX (jupyterlab-katex).
MATH_SELECTOR = "mjx-container, .MathJax, .MathJax_Display, .MathJax_Preview, .katex, .katex-display"
PROBE_TEX = r"$\mathrm{aaoprobe}$"

# ---------------------------------------------------------------------------
# What counts as an internal id
# ---------------------------------------------------------------------------

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
ISO3_LIST = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?:\s?;\s?[A-Z]{3})+(?![A-Za-z])")
PADDED = re.compile(r"\([^()\n]*?\S {2,}\)|\( {2,}\S[^()\n]*\)")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:org|com|net|int|gov|go\.kr|go\.jp|or\.kr|"
                 r"or\.jp|co\.kr|ac\.kr|ac\.jp|edu|info|io|kr|jp|uk|de)(?:/\S*)?")
FILE_NAME = re.compile(r"[\w./-]*\.(?:csv|ya?ml|json|geojson|ipynb|md|py|txt|png|pdf)\b")


@lru_cache(maxsize=None)
def candidate_ids() -> frozenset[str]:
    """Snake_case ids, tags and column names from the datasets a student should not read.

    From ``datasets/datapackage.json``: every column name, and the values of key columns
    (primary keys, ``*_id`` columns, foreign keys) and of columns with an ``enum``
    constraint (tags such as ``cost_sharing``, ``sipri_2024``); from the quiz banks,
    their question ids. Only snake_case words with an underscore count: plain words
    ("high", "Japan") are text. Left out: :func:`public_names`, the names a student
    types (``load_dataset("us_troops")``, ``load_scenario("gsomia_2019")``) and reads
    in ``datasets/``, which lessons cite as their sources.
    """
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    found: set[str] = set()
    for res in package["resources"]:
        schema = res.get("schema") or {}
        fields = schema.get("fields", [])
        keys = schema.get("primaryKey") or []
        keys = [keys] if isinstance(keys, str) else list(keys)
        keys += [fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
                 for fk in schema.get("foreignKeys", [])]
        tag_cols = set(keys)
        for f in fields:
            found.add(f["name"])
            if f["name"].endswith("_id") or (f.get("constraints") or {}).get("enum"):
                tag_cols.add(f["name"])
            found.update(v for v in (f.get("constraints") or {}).get("enum", []) if isinstance(v, str))
        path = DATASETS / res.get("path", "")
        if path.suffix != ".csv" or not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in tag_cols:
                    for part in re.split(r"[;,]\s*", row.get(col) or ""):
                        found.add(part.strip())
    import yaml

    for bank in sorted((DATASETS / "quizzes").glob("*.yaml")):
        for q in (yaml.safe_load(bank.read_text(encoding="utf-8")) or {}).get("questions", []):
            found.add(str(q.get("id", "")).replace("-", "_"))
    return frozenset(s for s in found - public_names() if SNAKE.match(s))


@lru_cache(maxsize=None)
def public_names() -> frozenset[str]:
    """Dataset names (``datasets/<name>.csv``) and simulation scenario names."""
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    names = {res["name"] for res in package["resources"]}
    names |= {p.stem for p in (DATASETS / "simulations").glob("*.yaml")}
    return frozenset(names)


@lru_cache(maxsize=None)
def _id_pattern() -> re.Pattern:
    ids = sorted(candidate_ids(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")


BLANK = "\x00"  # neither a space nor a word character: blanking adds no padding, joins no words


def _readable(text: str, code: list[str] = ()) -> str:
    """The text with URLs, file names and the given code snippets blanked out (same
    length, so offsets still fit)."""
    for snippet in sorted(set(code), key=len, reverse=True):
        if snippet:
            text = text.replace(snippet, BLANK * len(snippet))
    for pattern in (URL, FILE_NAME):
        text = pattern.sub(lambda m: BLANK * len(m.group()), text)
    return text


def internal_ids_in(text: str, code: list[str] = ()) -> list[tuple[str, str]]:
    """(what, context) for every internal id, ISO3 list or padded bracket in ``text``,
    leaving out URLs, file names and the ``code`` snippets (code a student may run)."""
    readable = _readable(text, code)
    hits = []
    for kind, pattern in (("dataset id", _id_pattern()), ("ISO3 list", ISO3_LIST), ("padded text", PADDED)):
        for m in pattern.finditer(readable):
            a, b = max(0, m.start() - 50), min(len(text), m.end() + 50)
            hits.append((f"{kind} {m.group()!r}", " ".join(text[a:b].split())))
    return hits


# ---------------------------------------------------------------------------
# Reading the rendered notebook
# ---------------------------------------------------------------------------

# Per cell: its kind, every typeset formula (outermost containers only) with where it
# sits and the sentence around it, and the texts a student reads: rendered markdown,
# each output, image alt texts. innerText is what shows; closed <details> add their
# textContent (a click shows them). Code cells' input is left out.
SNAPSHOT_JS = """([selector, skipFrom]) => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
             || document.querySelector('.jp-Notebook');
  const cells = Array.from(nb.querySelectorAll('.jp-Cell'));
  const readable = el => {
    let t = el.innerText || '';
    for (const d of el.querySelectorAll('details:not([open])')) t += '\\n' + d.textContent;
    for (const img of el.querySelectorAll('img[alt]')) t += '\\n[alt text] ' + img.alt;
    return t;
  };
  const blockOf = el => el.closest('p, li, td, th, h1, h2, h3, h4, blockquote, label, '
      + '.widget-label, .widget-html-content, .widget-htmlmath-content, .jp-OutputArea-output') || el;
  return cells.slice(0, skipFrom).map((cell, index) => {
    const kind = cell.classList.contains('jp-MarkdownCell') ? 'markdown'
               : cell.classList.contains('jp-CodeCell') ? 'code' : 'raw';
    const maths = Array.from(cell.querySelectorAll(selector))
      .filter(el => !el.parentElement.closest(selector) && !el.closest('.jp-InputArea-editor'))
      .map(el => ({
        where: el.closest('.jp-OutputArea-output') ? 'output' : kind,
        formula: (el.textContent || '').replace(/\\s+/g, ''),
        context: (blockOf(el).innerText || blockOf(el).textContent || '').replace(/\\s+/g, ' ').slice(0, 240),
      }));
    const texts = [];
    if (kind === 'markdown') {
      const md = cell.querySelector('.jp-RenderedMarkdown, .jp-MarkdownOutput');
      // code in the prose that a student may run: code blocks, and inline calls like `f("x")`
      const code = md ? Array.from(md.querySelectorAll('pre, code'))
        .filter(e => e.tagName === 'PRE' || /\\w\\(/.test(e.textContent)).map(e => e.textContent) : [];
      if (md) texts.push({where: 'markdown', text: readable(md), code});
    } else {
      cell.querySelectorAll('.jp-OutputArea-output').forEach((out, k) => texts.push(
        {where: `output ${k + 1} (${out.getAttribute('data-mime-type') || 'widget'})`, text: readable(out)}));
    }
    const source = kind === 'code'
      ? ((cell.querySelector('.jp-InputArea-editor') || {}).innerText || '').slice(0, 160) : '';
    return {index, kind, maths, texts, source};
  });
}"""

# Every widget view in the outputs has been created (widget views are made
# asynchronously, after their model arrives) and no output still says it is loading.
WIDGETS_RENDERED_JS = """() => Array.from(document.querySelectorAll(
    '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'))
  .every(o => o.querySelector('.jupyter-widgets, .widget-output, .lm-Widget')
              && !/Loading widget/.test(o.innerText))"""

PROBE_DONE_JS = """(n) => { const c = document.querySelectorAll('.jp-Notebook .jp-Cell')[n];
                            return !!(c && c.querySelector('mjx-container, .MathJax, .katex')); }"""


def _typeset_barrier(page, timeout_ms: int = 60_000) -> int:
    """Wait until the maths typesetter has handled everything already rendered.

    JupyterLab's typesetter loads MathJax on first use and typesets each element in the
    order asked; it keeps no global a test could await. So add one markdown cell below the
    last one holding a formula and wait for it to be typeset: every typeset request made
    before it is then done. It also proves the typesetter works here (a page without one
    would pass the maths check for nothing). Returns the number of cells before the probe.
    """
    page.wait_for_function(WIDGETS_RENDERED_JS, timeout=timeout_ms)
    cells = page.locator(".jp-Notebook .jp-Cell")
    n = cells.count()
    last = cells.nth(n - 1)
    last.scroll_into_view_if_needed()
    last.locator(".jp-InputPrompt").first.click()  # select the last cell (command mode)
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # new cell below
    page.wait_for_function("(n) => document.querySelectorAll('.jp-Notebook .jp-Cell').length > n", arg=n)
    page.keyboard.press("m")  # make it markdown
    page.keyboard.press("Enter")  # edit it
    page.keyboard.type(PROBE_TEX)
    page.keyboard.press("Control+Enter")  # render it in place
    try:
        page.wait_for_function(PROBE_DONE_JS, arg=n, timeout=timeout_ms)
    except Exception:
        raise AssertionError("the probe formula was never typeset: is JupyterLab's maths "
                             "typesetter (@jupyterlab/mathjax-extension) missing?") from None
    return n


def _map_texts(page) -> list[str]:
    """The visible text of every map frame (labels, legends, attribution)."""
    texts = []
    for _el, frame in map_frames(page):
        try:
            frame.wait_for_function(MAP_READY_JS, timeout=30_000)
        except Exception:
            pass  # a broken map is test_browser_lessons' business; read what is there
        texts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
    return texts


def _shutdown_kernel(server, rel: str) -> None:
    """Stop the notebook's kernel (eight helpers share two cores and their memory)."""
    try:
        with urllib.request.urlopen(server.url("/api/sessions"), timeout=5) as r:
            sessions = [s for s in json.load(r) if s.get("path") == rel]
        for s in sessions:
            req = urllib.request.Request(server.url(f"/api/sessions/{s['id']}"), method="DELETE")
            urllib.request.urlopen(req, timeout=10).close()
    except OSError:
        pass  # the server stops its kernels when it stops


def snapshot_page(page) -> dict:
    """What the open, fully run notebook shows: each cell's text and maths, each map's text."""
    n = _typeset_barrier(page)
    return {"cells": page.evaluate(SNAPSHOT_JS, [MATH_SELECTOR, n]), "maps": _map_texts(page)}


def render_lesson(page, server, rel: str, shot: Path) -> dict:
    """Open ``rel`` (relative to the server's root), run all cells, return what renders."""
    open_notebook(page, server, rel)
    run_all(page)
    try:
        prompts = wait_run_finished(page, RUN_TIMEOUT_S)
        errors = error_outputs(page)
        assert not errors, f"{rel} shows errors:\n" + "\n---\n".join(errors)
        assert prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), (
            f"{rel}: Run All did not run every code cell: {prompts}")
        snapshot = snapshot_page(page)
    finally:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        _shutdown_kernel(server, rel)
    save_snapshot(snapshot, shot.with_suffix(".json"))
    return snapshot


def save_snapshot(snapshot: dict, path: Path) -> None:
    """What was read, for a person (and for trying the checks again without a browser)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1), encoding="utf-8")


# ---------------------------------------------------------------------------
# The two checks, on a snapshot
# ---------------------------------------------------------------------------

def unintended_maths(snapshot: dict, meant: list[str] = ()) -> list[str]:
    problems = []
    for cell in snapshot["cells"]:
        for m in cell["maths"]:
            if m["formula"] in meant:
                continue
            problems.append(f"cell {cell['index']} ({m['where']}): typeset maths {m['formula']!r} in: "
                            f"{m['context']!r}" + (f"\n    code: {cell['source']!r}" if cell["source"] else ""))
    return problems


def internal_ids(snapshot: dict, meant: list[str] = ()) -> list[str]:
    problems = []
    places = [(c["index"], t["where"], t["text"], t.get("code", []), c["source"])
              for c in snapshot["cells"] for t in c["texts"]]
    places += [("map", f"map {k + 1}", text, [], "") for k, text in enumerate(snapshot["maps"])]
    for index, where, text, code, source in places:
        for what, context in internal_ids_in(text, code):
            if any(repr(i) in what for i in meant):
                continue
            problems.append(f"cell {index} ({where}): {what} in: {context!r}"
                            + (f"\n    code: {source!r}" if source else ""))
    return problems


def check_rendered(lesson: Path, snapshot: dict) -> None:
    """Fail on maths the lesson did not mean and on internal ids (called by the lesson run)."""
    maths = unintended_maths(snapshot, MEANT_MATHS.get(lesson.stem, []))
    assert not maths, (
        f"{lesson.name}: JupyterLab typesets text the lesson did not mean as maths (two '$' in one run "
        "of text, escaped or not: write 'USD 300 million', or list the formula in MEANT_MATHS):\n  "
        + "\n  ".join(maths))
    problems = internal_ids(snapshot, MEANT_IDS.get(lesson.stem, []))
    known = KNOWN_IDS.get(lesson.stem, [])
    new = [p for p in problems if not any(re.search(pattern, p) for pattern, _ in known)]
    assert not new, (
        f"{lesson.name}: the rendered lesson shows internal identifiers a student should not have "
        "to read (write the name the data stands for):\n  " + "\n  ".join(new))
    fixed = [where for pattern, where in known if not any(re.search(pattern, p) for p in problems)]
    assert not fixed, f"{lesson.name}: fixed, so remove from KNOWN_IDS: {fixed}"
    if known:
        print(f"{lesson.name}: {len(problems)} known id hit(s), reported to their owners")


# ---------------------------------------------------------------------------
# Tests of the checks themselves (the lessons are checked by test_browser_lessons)
# ---------------------------------------------------------------------------

def test_meant_and_known_lists_name_real_lessons():
    stems = {p.stem for p in LESSONS}
    assert set(MEANT_MATHS) <= stems and set(MEANT_IDS) <= stems and set(KNOWN_IDS) <= stems


def test_id_rules():
    """The text rules without a browser: what counts as an internal id and what does not."""
    ids = candidate_ids()
    assert {"oki_dogo", "cost_sharing", "sipri_2024", "amount_krw_bn", "liancourt_rocks"} <= ids
    assert not any(" " in i or not i.islower() for i in ids)
    assert {"us_troops", "sma_cost_sharing", "gsomia_2019"} <= public_names()
    assert not ids & public_names()
    hit = lambda text: [w for w, _ in internal_ids_in(text)]  # noqa: E731
    assert hit("Dogo (oki_dogo) is the nearest") == ["dataset id 'oki_dogo'"]
    assert hit("countries: KOR;JPN;USA") == ["ISO3 list 'KOR;JPN;USA'"]
    assert hit("measure (unstated      )") == ["padded text '(unstated      )'"]
    assert hit("Oki Islands (Dōgo), US$300 million, SIPRI 2024 release, cost sharing, (about 5)") == []
    assert hit("see https://example.org/oki_dogo and datasets/sma_cost_sharing.csv") == []
    assert hit("the `us_troops` dataset; (mofa.go.kr, 22 March 2023)") == []
    assert [w for w, _ in internal_ids_in('run show_positions("cost_sharing") for Dōgo', ['show_positions("cost_sharing")'])] == []
    assert hit("USA, JPN and KOR") == []


PLANTED_MD = ("Planted by the test: lunch costs $5 and $6 at the canteen. Dōgo is oki_dogo here; "
              "a link to [the data](https://example.org/liancourt_rocks) is fine.")
PLANTED_CODE = ('_hidden = "liancourt_west"  # an id in code input only: not reported\n'
                'print("countries: KOR;JPN;USA", "measure (unstated      )")')


def test_checks_catch_a_planted_copy(chromium_context, tmp_path):
    """A notebook with lesson 00's title and metadata and "$5 and $6", an id, an ISO3 list and
    padded text in it fails both checks, and only on those (the real lesson 00 is checked
    by the lesson run in test_browser_lessons.py)."""
    if browser_missing():
        skip_or_fail(browser_missing())
    source = ROOT / "lessons" / "00_start_here.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    nb["cells"] = [
        nb["cells"][0],  # the lesson's title cell (markdown)
        {"cell_type": "markdown", "id": "planted-md", "metadata": {}, "source": PLANTED_MD},
        {"cell_type": "code", "id": "planted-code", "metadata": {}, "execution_count": None,
         "outputs": [], "source": PLANTED_CODE},
        {"cell_type": "code", "id": "plain-code", "metadata": {}, "execution_count": None,
         "outputs": [], "source": "print('An ordinary line a student reads.')"},
    ]
    assert nb["cells"][0]["cell_type"] == "markdown"
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / source.name).write_text(json.dumps(nb), encoding="utf-8")
    page = chromium_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    route_offline(page)
    try:
        with lab_server(root_dir=tmp_path) as s:
            snap = render_lesson(page, s, f"lessons/{source.name}", ARTIFACTS / "rendered" / "planted.png")
    finally:
        page.close()
    maths = unintended_maths(snap)
    assert len(maths) == 1 and "cell 1 (markdown)" in maths[0] and "5and" in maths[0], maths
    ids = [p.splitlines()[0] for p in internal_ids(snap)]  # without the code line under each
    assert any("cell 1 (markdown): dataset id 'oki_dogo'" in p for p in ids), ids
    assert any("cell 2 (output 1" in p and "ISO3 list 'KOR;JPN;USA'" in p for p in ids), ids
    assert any("cell 2 (output 1" in p and "padded text" in p for p in ids), ids
    assert not any("liancourt_west" in p or "liancourt_rocks" in p for p in ids), ids
    assert len(ids) == 3, ids  # the title and the ordinary cells around the planted ones show none
