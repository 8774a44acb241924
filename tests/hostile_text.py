"""Hostile text for the template tests, and the check that it came out as text.

``HOSTILE`` holds an element with an event handler, a backtick template literal and
both quote marks. A template that escapes a field shows the string as text (or keeps
it whole inside an attribute value); one that does not would create an ``<img>`` with
an ``onerror`` handler, or let a quote end the attribute early.
"""
from __future__ import annotations

from html.parser import HTMLParser

HOSTILE = "<img src=x onerror=alert(1)>`${1}`\"'"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(str(html))
    page.close()
    return page


def assert_escaped(html: str, times: int) -> None:
    """No element or attribute of ``html`` came from ``HOSTILE``, and ``HOSTILE`` is shown
    whole ``times`` times (as text, or as one attribute's whole value), once per field."""
    page = parse(html)
    injected = [t for t in page.tags if "onerror" in t[1] or (t[0] == "img" and t[1].get("src") == "x")]
    assert not injected, f"hostile text became markup: {injected}"
    in_text = "".join(page.text).count(HOSTILE)
    in_attrs = sum(v.count(HOSTILE) for _, attrs in page.tags for v in attrs.values())
    assert in_text + in_attrs == times, (
        f"expected the hostile text {times} time(s), found {in_text} in text and {in_attrs} in attributes:\n{html}")
