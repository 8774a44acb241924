"""The claim checker offers the verdicts the schema allows, read as data (data.field_constraints)."""
from __future__ import annotations

import json

import pytest

from helpers import DATASETS_DIR
from helpers.data import field_constraints
from helpers.errors import DatasetError
from helpers.factcheck import verdict_options


def test_the_verdicts_are_the_schemas_enum_in_schema_order():
    assert field_constraints("article_claims", "verdict")["enum"] == ["correct", "error", "imprecise", "typo", "unverified"]


def test_a_column_without_an_enum_has_none_and_an_unknown_column_is_named():
    assert "enum" not in field_constraints("article_claims", "quote")
    with pytest.raises(DatasetError, match="verdicts.*Did you mean 'verdict'"):
        field_constraints("article_claims", "verdicts")


def test_a_schema_verdict_no_row_uses_yet_is_offered(tmp_path, monkeypatch):
    """The checker offers what the schema allows, not what a display string of it says."""
    import helpers.data as data

    descriptor = json.loads((DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "article_claims":
            for field in resource["schema"]["fields"]:
                if field["name"] == "verdict":
                    field["constraints"]["enum"].append("satire")
    monkeypatch.setattr(data, "_descriptor", lambda base_dir=None: descriptor)
    assert verdict_options()[-1] == "satire"
    assert verdict_options()[:5] == ["correct", "error", "imprecise", "typo", "unverified"]
