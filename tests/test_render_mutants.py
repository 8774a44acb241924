"""The renderer's settings and template list, pinned value by value (mutation testing, docs/mutation.md).

Each test starts from a fresh environment (the cached one is cleared), so each builds it
and is counted by mutmut as reaching the settings.
"""
from __future__ import annotations

import jinja2
import pytest

from helpers import render

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(autouse=True)
def _fresh_environment():
    render.environment.cache_clear()
    yield
    render.environment.cache_clear()


def test_render_loads_a_package_template_and_escapes_the_value():
    # helpers/templates/maps/text.html is just "{{ text }}": the output is the value, escaped.
    out = render.render("maps/text.html", text=HOSTILE)
    assert out == '&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;'


def test_render_of_an_unknown_template_names_it():
    with pytest.raises(jinja2.TemplateNotFound, match="maps/no_such.html"):
        render.render("maps/no_such.html", text="x")


def test_the_environment_escapes_a_string_template_too():
    assert render.environment().from_string("{{ v }}").render(v="a<b & 'c'") == "a&lt;b &amp; &#39;c&#39;"


def test_an_undefined_variable_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError, match="missing"):
        render.environment().from_string("<p>{{ missing }}</p>").render()


def test_block_tags_leave_no_blank_lines_or_indent_and_no_final_newline():
    # lstrip_blocks drops the two spaces before each {% %} tag, trim_blocks the newline after
    # it, and without keep_trailing_newline the template's last "\n" goes:
    # "<ul>\n" + "  <li>a</li>\n" + "  <li>b</li>\n" + "</ul>"
    source = "<ul>\n  {% for x in xs %}\n  <li>{{ x }}</li>\n  {% endfor %}\n</ul>\n"
    out = render.environment().from_string(source).render(xs=["a", "b"])
    assert out == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>"


def test_environment_is_built_once_and_shared():
    assert render.environment() is render.environment()


def test_template_names_are_the_html_and_j2_files_under_the_folder(monkeypatch, tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "a.html").write_text("{{ x }}", encoding="utf-8")
    (tmp_path / "maps" / "b.j2").write_text("{{ x }}", encoding="utf-8")
    (tmp_path / "maps" / "c.html").write_text("{{ x }}", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a template", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a template", encoding="utf-8")
    (tmp_path / "folder.html").mkdir()  # a folder, not a file
    monkeypatch.setattr(render, "TEMPLATES_DIR", tmp_path)
    # sorted, as paths relative to the folder with "/"
    assert render.template_names() == ["a.html", "maps/b.j2", "maps/c.html"]


def test_the_package_templates_include_the_map_text_and_popup():
    names = render.template_names()
    assert {"maps/text.html", "maps/popup.html", "maps/label.html"} <= set(names)
    assert "README.md" not in names
    assert names == sorted(names)
