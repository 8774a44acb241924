"""The template renderer: autoescape on, strict variables, and no template left unused or untested."""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from helpers import render

HELPERS = Path(render.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent
HOSTILE = '<img src=x onerror="window.__pwned=1">`${1}`'


def test_autoescape_is_on_for_every_template_name():
    env = render.environment()
    for name in ("x.html", "x.j2", "x.txt", "x"):
        assert env.autoescape is True or env.autoescape(name)
    out = env.from_string("<p>{{ v }}</p>").render(v=HOSTILE)
    assert "<img" not in out and "&lt;img" in out


def test_an_undefined_variable_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError):
        render.environment().from_string("{{ missing }}").render()


def test_safe_passes_a_rendered_fragment_through_once():
    inner = render.environment().from_string("<b>{{ v }}</b>").render(v=HOSTILE)
    outer = render.environment().from_string("<div>{{ v }}</div>").render(v=render.safe(inner))
    assert outer == f"<div>{inner}</div>"


def _sources(folder: Path, pattern: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob(pattern))


def test_every_template_is_used_by_the_package_and_named_by_a_test():
    names = render.template_names()
    package = _sources(HELPERS, "*.py")
    tests = _sources(TESTS, "test_*.py")
    unused = [n for n in names if n not in package]
    untested = [n for n in names if n not in tests and Path(n).name not in tests]
    assert not unused, f"templates no module renders: {unused}"
    assert not untested, f"templates no test names (render each with hostile text): {untested}"


def test_no_module_builds_html_with_a_hand_called_escape():
    """HTML comes from templates; a hand-called html.escape is the habit this replaces."""
    offenders = sorted(
        p.relative_to(HELPERS).as_posix()
        for p in HELPERS.rglob("*.py")
        if re.search(r"\b_?html\.escape\(|from html import escape", p.read_text(encoding="utf-8"))
        and p.name != "render.py"
    )
    assert not offenders, f"modules still escaping by hand: {offenders}"
