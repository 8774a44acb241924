"""The shared templates in helpers/templates/display/: every text field is escaped."""
from __future__ import annotations

import pandas as pd

from helpers.display import notice_html, table
from helpers.render import render, safe
from hostile_text import HOSTILE, assert_escaped, parse


def test_notice_escapes_its_title_and_text():
    assert_escaped(notice_html(HOSTILE, HOSTILE), times=2)
    assert_escaped(render("display/notice.html", text=HOSTILE, title=""), times=1)


def test_caption_of_a_table_for_reading_is_escaped():
    page = table(pd.DataFrame({"a": ["x"]}), caption=HOSTILE).to_html()
    assert_escaped(page, times=1)
    assert_escaped(render("display/caption.html", caption=HOSTILE), times=1)


def test_status_line_escapes_its_text():
    assert_escaped(render("display/status.html", text=HOSTILE), times=1)


def test_image_keeps_hostile_alt_text_inside_the_attribute():
    page = render("display/image.html", src="data:image/png;base64,AAAA", alt=HOSTILE, style="max-width:100%")
    assert_escaped(page, times=1)
    (tag, attrs), = parse(page).tags
    assert tag == "img" and attrs == {"src": "data:image/png;base64,AAAA", "alt": HOSTILE, "style": "max-width:100%"}


def test_static_stand_in_escapes_note_and_items_and_passes_fragments_once():
    fragment = render("display/status.html", text=HOSTILE)
    page = render("display/static.html", note=HOSTILE, items=[HOSTILE, HOSTILE], fragments=[safe(fragment)],
                  ignore_maths=True)
    assert_escaped(page, times=4)
    assert fragment in page and 'class="tex2jax_ignore"' in page


def test_shared_table_escapes_caption_headers_cells_notes_and_source():
    page = render(
        "display/table.html", css_class="allies-x", full_width=True, caption_bold=True, caption=HOSTILE,
        columns=[{"label": HOSTILE, "width": ""}, {"label": HOSTILE, "width": "40%"}],
        rows=[[{"text": HOSTILE, "header": True}, {"text": HOSTILE, "note": HOSTILE}]], source=HOSTILE,
    )
    assert_escaped(page, times=7)
    tags = [t for t, _ in parse(page).tags]
    assert tags.count("th") == 3 and tags.count("td") == 1 and "caption" in tags
