"""Build the static course site: every lesson executed and exported to HTML.

Usage::

    python tests/build_site.py [--out _site] [--lessons lessons/03_the_islets.ipynb ...]

Each lesson runs in a fresh kernel in ``lessons/`` (nbclient), then nbconvert's lab
template turns it into one page. Widgets cannot run on a static page, so their views
are dropped from the outputs and the ``text/html`` stand-in of the same display bundle
is shown instead (quizzes become questions with answers folded in ``<details>``).
folium maps stay as their ``<iframe srcdoc>``: they load Leaflet from its CDN when
the page is read online. ``index.html`` lists the lessons from their metadata; a
print stylesheet makes a lesson print as a handout. Finally every local link and
``src`` in the site is checked; a missing file fails the build.

The site is self-contained: it references no file outside ``_site/``; files the
lessons link to (other lessons, datasets) are converted or copied in.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
DEFAULT_OUT = ROOT / "_site"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ('<p class="allies-widget-note"><em>Interactive control: open this lesson in '
               'Jupyter (see <a href="index.html#run">how to run the course</a>) to use it.</em></p>')

# The lab template, without require.js, MathJax and Mermaid from CDNs: lessons use none
# of them, and MathJax would typeset dollar amounts ("$1 billion ... $2") as maths.
TEMPLATE = r"""
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<link rel="stylesheet" href="course.css">
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook allies-lesson" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.allies_nav }}
<main>
{%- endblock body_header -%}
{% block body_footer %}
</main>
{{ resources.allies_nav }}
</body>
{% endblock body_footer %}
"""

CSS = """
:root { --allies-accent: #1d4ed8; --allies-muted: #4b5563; }
body.allies-index { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.5; color: #111827; }
.allies-nav { display: flex; gap: 1rem; justify-content: space-between; flex-wrap: wrap;
  padding: 0.6rem 1rem; margin: 0 0 1rem; border-bottom: 1px solid #d1d5db;
  font-family: system-ui, sans-serif; font-size: 0.95rem; }
.allies-nav a { color: var(--allies-accent); }
.allies-syllabus { list-style: none; padding: 0; }
.allies-syllabus > li { border: 1px solid #d1d5db; border-radius: 6px; padding: 0.8rem 1rem; margin: 0.8rem 0; }
.allies-syllabus h2 { margin: 0 0 0.3rem; font-size: 1.2rem; }
.allies-meta { color: var(--allies-muted); font-size: 0.9rem; }
.allies-quiz-static details { margin: 0.3rem 0 0.8rem; }
.allies-quiz-static summary { cursor: pointer; color: var(--allies-accent); }
.allies-widget-note { color: var(--allies-muted); }
main { max-width: 72rem; margin: 0 auto; }

@media print {
  @page { margin: 16mm 14mm; }
  .allies-nav, .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  body, body.jp-Notebook { background: #fff !important; color: #000; font-size: 10.5pt; }
  main { max-width: none; }
  .jp-Cell, .jp-OutputArea-output, figure, img, iframe, table, .allies-quiz-static li {
    break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  pre, code { white-space: pre-wrap !important; word-break: break-word; }
  .jp-InputArea-editor, .highlight { background: #f5f5f5 !important; border: 1px solid #ddd; }
  img { max-width: 100% !important; height: auto !important; }
  /* outside links print with their address so a paper handout keeps its sources */
  .jp-RenderedMarkdown a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 85%;
    color: #374151; word-break: break-all; }
  .allies-syllabus > li { break-inside: avoid; }
  details { border-left: 2px solid #9ca3af; padding-left: 0.5em; }
}
"""


def lessons() -> list[Path]:
    return sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb"))


def page_name(lesson: Path) -> str:
    return lesson.stem + ".html"


# ---------------------------------------------------------------------------- notebooks

def execute(nb, timeout: int = 600):
    """Run ``nb`` in a fresh python3 kernel in lessons/ (quiz progress kept out of $HOME)."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
        resources={"metadata": {"path": str(LESSONS_DIR)}},
    )
    client.execute()
    return nb


def static_outputs(nb):
    """Drop widget views (and widget state) so each bundle's text/html stand-in shows."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data or WIDGET_MIME not in data:
                continue
            del data[WIDGET_MIME]
            if "text/html" not in data:
                data["text/html"] = WIDGET_NOTE
                data.pop("text/plain", None)
    return nb


LINK_ATTR = re.compile(r'(\s(?:href|src)=)(["\'])(.*?)\2', re.I | re.S)


def is_local(url: str) -> bool:
    if not url or url.startswith(("#", "//")):
        return False
    return not urlsplit(url).scheme  # http:, https:, mailto:, data:, javascript: ...


def rewrite_links(page: str, source_dir: Path, out: Path, copied: dict) -> str:
    """Point local links at site pages/files; copy linked repository files into files/."""
    lesson_names = {p.name for p in lessons()}

    def fix(m):
        url = html.unescape(m.group(3))
        if not is_local(url):
            return m.group(0)
        parts = urlsplit(url)
        frag = f"#{parts.fragment}" if parts.fragment else ""
        target = (source_dir / unquote(parts.path)).resolve()
        if target.suffix == ".ipynb" and target.name in lesson_names and target.parent == LESSONS_DIR:
            new = page_name(target) + frag
        elif target.is_file() and target.is_relative_to(ROOT):
            rel = target.relative_to(ROOT)
            dest = out / "files" / rel
            if rel not in copied:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target, dest)
                copied[rel] = dest
            new = f"files/{rel.as_posix()}{frag}"
        else:
            return m.group(0)  # left as is: the link check reports it
        return f"{m.group(1)}{m.group(2)}{html.escape(new, quote=True)}{m.group(2)}"

    return LINK_ATTR.sub(fix, page)


# ---------------------------------------------------------------------------- pages

def nav(index: int, items: list[dict]) -> str:
    prev = items[index - 1] if index > 0 else None
    nxt = items[index + 1] if index + 1 < len(items) else None
    left = f'<a href="{prev["page"]}" rel="prev">&larr; {prev["number"]} {html.escape(prev["title"])}</a>' if prev else "<span></span>"
    right = f'<a href="{nxt["page"]}" rel="next">{nxt["number"]} {html.escape(nxt["title"])} &rarr;</a>' if nxt else "<span></span>"
    item = items[index]
    return (f'<nav class="allies-nav" aria-label="Course navigation">{left}'
            f'<a href="index.html">Allies at Odds: all lessons</a>'
            f'<a href="notebooks/{item["notebook"]}" download>Notebook (.ipynb)</a>{right}</nav>')


def index_html(items: list[dict], built: str) -> str:
    total = sum(i["minutes"] for i in items if isinstance(i["minutes"], int))
    rows = []
    for it in items:
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in it["objectives"])
        prereq = ", ".join(html.escape(str(p)) for p in it["prerequisites"]) or "none"
        rows.append(
            f'<li id="lesson-{it["number"]}"><h2><a href="{it["page"]}">{it["number"]} &middot; {html.escape(it["title"])}</a></h2>'
            f'<p class="allies-meta">About {it["minutes"]} minutes &middot; prerequisites: {prereq} &middot; '
            f'<a href="notebooks/{it["notebook"]}" download>notebook</a></p>'
            f"<p>By the end you will be able to:</p><ul>{objectives}</ul></li>"
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Allies at Odds: syllabus</title>
<link rel="stylesheet" href="course.css">
</head>
<body class="allies-index">
<header>
<h1>Allies at Odds</h1>
<p>An interactive course on why Japan and South Korea, both allies of the United States,
stay at odds. {len(items)} lessons, about {total} minutes in all.</p>
</header>
<main>
<ol class="allies-syllabus">
{''.join(rows)}
</ol>
<section id="run">
<h2>How to run the course</h2>
<p>These pages are a read-only copy with every output shown; quizzes show their answers
folded under each question. To answer quizzes, move sliders and explore the maps' layers,
run the notebooks in Jupyter: download a lesson's notebook, or follow lesson 00,
<a href="{items[0]['page'] if items else 'index.html'}">Start here</a>, to run the course
on your own computer or on Binder.</p>
</section>
</main>
<footer><p class="allies-meta">Built {built} from the course repository.</p></footer>
</body>
</html>
"""


def local_refs(page: str) -> list[str]:
    """Every local href/src in ``page`` (including inside map iframes' srcdoc)."""
    refs = [html.unescape(m.group(3)) for m in LINK_ATTR.finditer(page)]
    for srcdoc in re.findall(r'srcdoc="(.*?)"', page, re.S):
        inner = html.unescape(srcdoc)
        refs += [html.unescape(m.group(3)) for m in LINK_ATTR.finditer(inner)]
    return [r for r in refs if is_local(r)]


def missing_local_refs(out: Path) -> list[str]:
    problems = []
    for page in sorted(out.rglob("*.html")):
        for ref in local_refs(page.read_text(encoding="utf-8")):
            path = unquote(urlsplit(ref).path)
            if not path:
                continue
            if not (page.parent / path).resolve().is_file():
                problems.append(f"{page.relative_to(out)}: {ref}")
    return problems


def build(out: Path = DEFAULT_OUT, only: list[Path] | None = None, timeout: int = 600) -> dict:
    """Build the site into ``out``; return timings. Raises on a failing lesson or broken link."""
    chosen = [Path(p).resolve() for p in only] if only else lessons()
    if not chosen:
        raise RuntimeError("no lessons found in lessons/")
    # quiz answers given while building must not land in the builder's own progress
    # file; the kernels inherit this environment, which is restored afterwards (the
    # builder also runs inside pytest)
    progress_dir = tempfile.mkdtemp(prefix="allies-site-")
    saved = {k: os.environ.get(k) for k in ("ALLIES_PROGRESS_FILE", "MPLBACKEND")}
    os.environ["ALLIES_PROGRESS_FILE"] = str(Path(progress_dir) / "progress.json")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        return _build(out, chosen, timeout)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(progress_dir, ignore_errors=True)


def _build(out: Path, chosen: list[Path], timeout: int) -> dict:
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    tmp_out = out.with_name(out.name + ".building")
    shutil.rmtree(tmp_out, ignore_errors=True)
    (tmp_out / "notebooks").mkdir(parents=True)
    (tmp_out / "course.css").write_text(CSS, encoding="utf-8")

    items = []
    for path in chosen:
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("lesson", {})
        items.append({
            "path": path, "page": page_name(path), "notebook": path.name,
            "number": str(meta.get("number", path.name[:2])),
            "title": str(meta.get("title", path.stem[3:].replace("_", " ").capitalize())),
            "objectives": list(meta.get("objectives", [])),
            "minutes": meta.get("minutes", "?"),
            "prerequisites": list(meta.get("prerequisites", [])),
        })

    exporter = HTMLExporter(extra_loaders=[DictLoader({"allies_site.html.j2": TEMPLATE})],
                            template_file="allies_site.html.j2", template_name="lab")
    timings, copied = {}, {}
    for k, it in enumerate(items):
        t0 = time.perf_counter()
        nb = nbformat.read(it["path"], as_version=4)
        shutil.copy2(it["path"], tmp_out / "notebooks" / it["notebook"])
        try:
            execute(nb, timeout)
        except Exception as exc:  # name the lesson; nbclient's message carries the cell
            raise RuntimeError(f"{it['notebook']} failed while building the site:\n{exc}") from exc
        static_outputs(nb)
        nb.metadata["title"] = f"{it['number']} · {it['title']} | Allies at Odds"
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": it["path"].stem}, "allies_nav": nav(k, items)})
        body = rewrite_links(body, LESSONS_DIR, tmp_out, copied)
        (tmp_out / it["page"]).write_text(body, encoding="utf-8")
        timings[it["notebook"]] = time.perf_counter() - t0
        print(f"  {it['page']:45s} {timings[it['notebook']]:5.1f} s", flush=True)

    built = time.strftime("%Y-%m-%d")
    (tmp_out / "index.html").write_text(index_html(items, built), encoding="utf-8")
    problems = missing_local_refs(tmp_out)
    if problems:
        raise RuntimeError("the site links to files it does not contain:\n  " + "\n  ".join(problems))
    shutil.rmtree(out, ignore_errors=True)
    tmp_out.rename(out)
    return timings


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Build the static course site.")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--lessons", nargs="*", type=Path, help="only these lessons (default: all)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print(f"Building the course site in {args.out} ...", flush=True)
    try:
        timings = build(args.out.resolve(), args.lessons, args.timeout)
    except RuntimeError as exc:
        print(f"site build failed: {exc}", file=sys.stderr)
        return 1
    print(f"{len(timings)} lessons in {time.perf_counter() - t0:.0f} s. Open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
