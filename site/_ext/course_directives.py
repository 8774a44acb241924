"""Sphinx directives for the course site (make site), fed by the course's own metadata.

``{course-syllabus}``: one row per lesson from ``helpers.course.lessons()`` (number,
linked title, minutes, the month its facts were checked to, prerequisites), and the
total time. ``{course-datasets}``: one row per resource of ``datasets/datapackage.json``
(``helpers.data.list_datasets()``) with a download link and its citation. Both write
MyST markdown and parse it in place, so links to lessons and files resolve like any
other link on the site. ``COURSE_HUB_URL`` in the environment sets the hub of the
JupyterHub launch button.
"""
from __future__ import annotations

import calendar

from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _cell(text) -> str:
    """Text for a markdown table cell: no pipes, no line breaks, no stray markup."""
    s = " ".join(str(text).split())
    for ch in "\\|*_`[]<>":
        s = s.replace(ch, "\\" + ch)
    return s


def month_name(yyyy_mm: str) -> str:
    """'2026-11' -> 'November 2026' (anything else is returned as it is)."""
    try:
        year, month = str(yyyy_mm).split("-")
        return f"{calendar.month_name[int(month)]} {int(year)}"
    except (ValueError, IndexError):
        return str(yyyy_mm)


def syllabus_markdown(prefix: str = "../lessons/") -> str:
    from helpers.course import lessons

    rows = lessons()
    lines = ["| # | Lesson | Time | Facts checked to | Prerequisites |",
             "|---|---|---|---|---|"]
    for m in rows:
        number = m.get("number", m["file"][:2])
        prereq = ", ".join(str(p) for p in m.get("prerequisites", [])) or "none"
        lines.append(
            f"| {_cell(number)} | [{_cell(m.get('title', m['file']))}]({prefix}{m['file']}) "
            f"| {_cell(m.get('minutes', '?'))} min | {_cell(month_name(m.get('current_to', '?')))} "
            f"| {_cell(prereq)} |")
    total = sum(m.get("minutes", 0) for m in rows if isinstance(m.get("minutes"), int))
    lines += ["", f"In all: {len(rows)} lessons, {total} minutes of class time."]
    return "\n".join(lines)


def datasets_markdown(prefix: str = "../datasets/") -> str:
    from helpers.data import cite, list_datasets

    lines = ["| dataset | what it holds | file | source and licence |", "|---|---|---|---|"]
    for r in list_datasets().to_dict("records"):
        lines.append(
            f"| `{r['name']}` | {_cell(r['title'])} | {{download}}`{r['file']} <{prefix}{r['file']}>` "
            f"| {_cell(cite(r['name']))} |")
    lines += ["", f"The description of every file: {{download}}`datapackage.json <{prefix}datapackage.json>`."]
    return "\n".join(lines)


class _Generated(SphinxDirective):
    has_content = False

    def markdown(self) -> str:
        raise NotImplementedError

    def run(self):
        from docutils import nodes

        container = nodes.container(classes=[self.css_class])
        self.state.nested_parse(StringList(self.markdown().splitlines(), source=self.get_source_info()[0]),
                                self.content_offset, container)
        # rebuild the page when the lessons' metadata or the data package changes
        for dep in self.dependencies:
            self.env.note_dependency(dep)
        return [container]


class SyllabusDirective(_Generated):
    css_class = "course-syllabus"
    dependencies = ()

    def markdown(self) -> str:
        from helpers import LESSONS_DIR

        self.dependencies = [str(p) for p in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb"))]
        return syllabus_markdown()


class DatasetsDirective(_Generated):
    css_class = "course-datasets"
    dependencies = ()

    def markdown(self) -> str:
        from helpers import DATASETS_DIR

        self.dependencies = [str(DATASETS_DIR / "datapackage.json")]
        return datasets_markdown()


def _hub_from_environment(app, config):
    """``COURSE_HUB_URL`` (``make site HUB_URL=...``) replaces the JupyterHub button's hub."""
    import os

    hub = os.environ.get("COURSE_HUB_URL", "").strip()
    buttons = config.html_theme_options.get("launch_buttons")
    if hub and isinstance(buttons, dict):
        buttons["jupyterhub_url"] = hub


def setup(app):
    app.connect("config-inited", _hub_from_environment)
    app.add_directive("course-syllabus", SyllabusDirective)
    app.add_directive("course-datasets", DatasetsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
