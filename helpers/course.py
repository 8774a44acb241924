"""The course itself: its lessons and their metadata, the source article, the set-up check.

One place reads the lessons' metadata, so the syllabus in lesson 00, the README
check and the static site all agree.
"""
from __future__ import annotations

import json
import platform
from urllib.parse import quote, urlencode
from importlib import metadata as _pkg_metadata

from helpers import LESSONS_DIR
from helpers.display import WithFallback
from helpers.render import render

#: The news article the course grows out of. Third-party text: cite it, never copy it.
ARTICLE = {
    "title": "Fractures opening across democratic Northeast Asia defense front",
    "publisher": "Asia Times",
    "date": "January 2019",
    "date_note": "The page's own references ('On Saturday', 'On Monday') place it at about 28-29 January 2019 (inferred).",
    "url": "https://asiatimes.com/2019/01/fractures-opening-across-democratic-northeast-asia-defense-front/",
}

#: The article's five themes and the lessons that treat each of them.
ARTICLE_THEMES = [
    ("The missing Japan-South Korea link in the US-led front", ["01", "06", "08", "09", "10"]),
    ("History: colonial rule, the 1965 settlement, comfort women, wartime labour", ["02"]),
    ("The islets: the Liancourt Rocks (Dokdo/Takeshima) and the sea's name", ["03"]),
    ("Security ties fracturing: flags, radar, flybys, cancelled visits", ["04"]),
    ("Who pays for US troops in South Korea", ["05", "10"]),
]

#: Where the course is published: the repository students' hubs pull from.
REPOSITORY = "https://github.com/allies-at-odds/allies-at-odds"
#: The lesson a student lands on after following the JupyterHub link.
START_LESSON = "lessons/00_start_here.ipynb"

PACKAGES_TO_REPORT = ("ipywidgets", "jupyterlab_widgets", "folium", "pandas", "matplotlib", "jupyterlab", "notebook")


def article_citation() -> str:
    """Return the full citation line of the source article."""
    a = ARTICLE
    return f'{a["publisher"]}, "{a["title"]}", {a["date"]}. {a["url"]}'


def lessons() -> list[dict]:
    """Return each lesson's metadata (number, title, minutes, objectives, file), in order."""
    found = []
    for path in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb")):
        with path.open(encoding="utf-8") as fh:
            meta = json.load(fh).get("metadata", {}).get("lesson", {})
        found.append({**meta, "file": path.name})
    return found


def syllabus_text() -> str:
    """Return the syllabus as plain text: one line per lesson with its time."""
    rows = lessons()
    lines = [f"{m.get('number', '??')}  {m.get('title', m['file'])}  ({m.get('minutes', '?')} min)" for m in rows]
    total = sum(m.get("minutes", 0) for m in rows)
    lines.append(f"{len(rows)} lessons, {total} minutes in all")
    return "\n".join(lines)


def versions() -> dict[str, str]:
    """Return the versions of Python and of the packages the lessons rely on."""
    found = {"python": platform.python_version()}
    for name in PACKAGES_TO_REPORT:
        try:
            found[name] = _pkg_metadata.version(name)
        except _pkg_metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def environment_report() -> str:
    """Return a plain-text report of the set-up, with advice for anything missing."""
    found = versions()
    lines = [f"{name:<20} {version}" for name, version in found.items()]
    missing = [n for n, v in found.items() if v == "not installed"]
    if missing:
        lines.append(
            f"Missing: {', '.join(missing)}. From the course folder run `make lab`, "
            "or `pip install -e .`, then restart the kernel."
        )
    else:
        lines.append("Everything the lessons need is installed.")
    return "\n".join(lines)


def widget_check():
    """Return a test widget for lesson 00: a button that answers when clicked.

    Where widgets cannot render, the same output shows advice instead.
    """
    import ipywidgets as widgets

    button = widgets.Button(description="Click me", tooltip="Test that widgets respond", icon="check")
    answer = widgets.HTML(value=render("display/status.html", text="Not clicked yet."))
    clicks = []

    def on_click(_):
        clicks.append(1)
        times = "once" if len(clicks) == 1 else f"{len(clicks)} times"
        answer.value = render("display/status.html", text=f"Widgets work: the kernel heard you click ({times}).")

    button.on_click(on_click)
    return WithFallback(
        widgets.HBox([button, answer]),
        render("course/widget_check_fallback.html"),
        "Widget check: a button that answers when clicked (widgets are not rendered here).",
    )


def themes_html() -> str:
    """Return the article's themes and the lessons that treat them, as an HTML table."""
    titles = {m.get("number"): m.get("title", "") for m in lessons()}
    rows = [[{"text": theme}, {"text": ", ".join(f"{n} {titles.get(n, '')}".strip() for n in nums)}]
            for theme, nums in ARTICLE_THEMES]
    return render("display/table.html", css_class="", full_width=False, caption_bold=False,
                  caption="The article's themes and where the course treats them",
                  columns=[{"label": "Theme", "width": ""}, {"label": "Lessons", "width": ""}],
                  rows=rows, source="")


def nbgitpuller_link(hub_url: str = "https://<your-hub>", repo: str = REPOSITORY, branch: str = "main",
                     lesson: str = START_LESSON) -> str:
    """Return the nbgitpuller link that puts the course in a student's home on ``hub_url``.

    The first click clones ``repo`` into a folder named after it (``allies-at-odds``) and
    opens ``lesson`` in JupyterLab; later clicks pull updates and keep the student's own
    changes (nbgitpuller merges, see docs/jupyterhub.md). The README's link is this
    function's default.
    """
    folder = repo.rstrip("/").rsplit("/", 1)[-1]
    folder = folder[:-4] if folder.endswith(".git") else folder
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/{lesson}"},
                      quote_via=quote, safe="")
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"
