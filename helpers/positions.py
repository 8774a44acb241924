"""Each government's position on a contested question, side by side.

The positions live in the ``claims`` dataset, one row per aspect of a topic, with
Tokyo's and Seoul's official positions in neutral words and a source for each.
The two governments are always shown in the same order (alphabetical: Japan,
then South Korea) so that neither is framed as the answer to the other.
"""
from __future__ import annotations

import difflib

from helpers.data import cite, load_dataset
from helpers.display import WithFallback
from helpers.errors import CourseError
from helpers.render import render

SIDES = (
    ("japan", "Japan's government (Tokyo)"),
    ("korea", "South Korea's government (Seoul)"),
)


def topics() -> list[str]:
    """Return the topics that have positions recorded, in dataset order."""
    return list(dict.fromkeys(load_dataset("claims")["topic"]))


def positions_table(topic: str):
    """Return the rows of ``claims`` for one topic (a DataFrame), or raise a CourseError."""
    if not isinstance(topic, str):
        raise CourseError(
            f"A topic is one name (text) such as 'radar_incident_2018', not {type(topic).__name__} {topic!r:.60}.\n"
            f"Known topics: {', '.join(topics())}."
        )
    claims = load_dataset("claims")
    rows = claims[claims["topic"] == topic]
    if rows.empty:
        known = topics()
        close = difflib.get_close_matches(str(topic), known, n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise CourseError(
            f"No positions are recorded for the topic {topic!r}.{hint}\n"
            f"Known topics: {', '.join(known)}."
        )
    return rows.reset_index(drop=True)


def _source_cell(text) -> str:
    return str(text) if text is not None and str(text) != "nan" else "not recorded"


def as_stated(row, side: str) -> str:
    """Return "As stated in 2019." for a row's dated position, or "" where the row has no date."""
    value = row.get(f"{side}_as_of")
    if value is None or str(value).strip() in ("", "nan", "<NA>", "None"):
        return ""
    return f"As stated {str(value).strip()}."


def positions_html(topic: str) -> str:
    """Return an accessible HTML table: one row per aspect, one column per government."""
    rows = positions_table(topic)
    columns = [{"label": "Aspect", "width": ""}] + [{"label": label, "width": "40%"} for _, label in SIDES]
    body = [
        [{"text": str(row["aspect"]), "header": True}]
        + [{"text": str(row[f"{side}_position"]),
            "note": f"{as_stated(row, side)} Source: {_source_cell(row[f'{side}_source'])}".strip()}
           for side, _ in SIDES]
        for _, row in rows.iterrows()
    ]
    return render(
        "display/table.html", css_class="allies-positions", full_width=True, caption_bold=True,
        caption=f"Positions on: {_topic_title(topic)}. Each cell is our summary of that government's stated position.",
        columns=columns, rows=body, source=cite("claims"),
    )


def positions_text(topic: str) -> str:
    """Return the same content as plain text (for screen readers, print-outs and tests)."""
    rows = positions_table(topic)
    lines = [f"Positions on: {_topic_title(topic)}"]
    for _, row in rows.iterrows():
        lines.append(f"- {row['aspect']}")
        for side, label in SIDES:
            dated = as_stated(row, side)
            lines.append(f"    {label}: {row[f'{side}_position']}" + (f" ({dated[:-1]})" if dated else ""))
    return "\n".join(lines)


#: How each topic is named in captions; the names are neutral, like the rest of the course.
TOPIC_TITLES = {
    "liancourt_sovereignty": "sovereignty over the Liancourt Rocks (Dokdo/Takeshima)",
    "claims_1965": "the 1965 Claims and Economic Co-operation Agreement",
    "comfort_women_2015": "the 2015 agreement on the comfort women",
    "forced_labour_rulings": "the 2018 Supreme Court rulings on wartime labour",
    "rising_sun_flag": "the rising-sun ensign at the 2018 Jeju fleet review",
    "radar_incident_2018": "the radar incident of 20 December 2018",
    "gsomia_2019": "the 2019 notice to end GSOMIA, the military-information agreement",
    "export_controls_2019": "Japan's 2019 export controls and the white-list removal",
    "sea_name": "the name of the sea (East Sea/Sea of Japan)",
    "textbooks_yasukuni": "history textbooks and the Yasukuni Shrine",
    "china_threat": "China as a threat: how each government describes and answers it",
    "extended_deterrence": "extended deterrence: the US nuclear umbrella and each ally's own options",
}


def _topic_title(topic: str) -> str:
    return TOPIC_TITLES.get(topic, topic.replace("_", " "))


class _Positions:
    """Display object: HTML where HTML renders, plain text elsewhere."""

    def __init__(self, topic: str):
        self.topic = topic
        positions_table(topic)  # fail early, with the friendly message

    def _repr_html_(self) -> str:
        return positions_html(self.topic)

    def __repr__(self) -> str:
        return positions_text(self.topic)


def show_positions(topic: str):
    """Return a display object for both governments' positions on ``topic``.

    Put it last in a cell (or pass it to ``display``): it renders as a table.
    """
    return _Positions(topic)


def compare_accounts(topic: str):
    """Return a widget that steps through a topic's aspects, one account at a time.

    Students choose an aspect, read one government's account, then the other's,
    and only then both side by side: the order in which they meet the accounts is
    their own choice. Where widgets do not render, the full table is shown instead.
    """
    import ipywidgets as widgets

    rows = positions_table(topic)
    aspects = list(rows["aspect"])
    aspect_pick = widgets.Dropdown(
        options=[(f"{i + 1}. {a}", i) for i, a in enumerate(aspects)],
        value=0,
        description="Aspect",
        tooltip="Choose which part of the incident to compare",
        layout=widgets.Layout(width="auto"),
    )
    view_pick = widgets.ToggleButtons(
        options=[("Japan's account", "japan"), ("South Korea's account", "korea"), ("Both, side by side", "both")],
        value="japan",
        description="Show",
        tooltips=["Tokyo's account only", "Seoul's account only", "Both accounts next to each other"],
        style={"button_width": "auto"},  # the default width cut "South Korea's account" short
    )
    prev_button = widgets.Button(description="Previous aspect", tooltip="Go to the previous aspect")
    next_button = widgets.Button(description="Next aspect", tooltip="Go to the next aspect")
    panel = widgets.HTML()
    status = widgets.HTML()

    def redraw(*_):
        i = aspect_pick.value
        row = rows.iloc[i]
        status.value = render("positions/status.html", number=i + 1, count=len(aspects), aspect=str(row["aspect"]))
        note = row.get("note")
        panel.value = render(
            "positions/accounts.html",
            accounts=[{"label": label, "position": str(row[f"{side}_position"]), "dated": as_stated(row, side),
                       "source": _source_cell(row[f"{side}_source"])}
                      for side, label in SIDES if view_pick.value in (side, "both")],
            note=str(note) if note is not None and str(note) not in ("", "nan", "<NA>") else "",
        )
        prev_button.disabled = i == 0
        next_button.disabled = i == len(aspects) - 1

    def step(delta):
        def handler(_):
            aspect_pick.value = min(max(aspect_pick.value + delta, 0), len(aspects) - 1)

        return handler

    aspect_pick.observe(redraw, names="value")
    view_pick.observe(redraw, names="value")
    prev_button.on_click(step(-1))
    next_button.on_click(step(+1))
    redraw()
    box = widgets.VBox(
        [aspect_pick, view_pick, status, panel, widgets.HBox([prev_button, next_button])],
        layout=widgets.Layout(width="100%"),
    )
    return WithFallback(box, positions_html(topic), positions_text(topic))

