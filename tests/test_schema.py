"""The JSON Schema is generated from the models and the committed copy stays in sync."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from negdocs.load.model import Deal
from negdocs.load.schema import schema, schema_json

from conftest import EXAMPLES, REPO

COMMITTED = REPO / "schema" / "negdocs.schema.json"
COMMITTED_PROJECT = REPO / "schema" / "negdocs-project.schema.json"


def test_committed_schema_is_current(make_project):
    """Regenerate with: .venv/bin/negdocs schema > schema/negdocs.schema.json"""
    assert COMMITTED.read_text(encoding="utf-8") == schema_json()
    assert make_project().run("schema").stdout == schema_json()


def test_committed_project_schema_is_current(make_project):
    """Regenerate with: .venv/bin/negdocs schema --project > schema/negdocs-project.schema.json"""
    assert COMMITTED_PROJECT.read_text(encoding="utf-8") == schema_json(project=True)
    assert make_project().run("schema", "--project").stdout == schema_json(project=True)


def test_project_settings_validate_against_their_schema():
    from negdocs.load.schema import project_schema

    jsonschema.validate(yaml.safe_load((REPO / "negdocs.yaml").read_text()), project_schema())
    for bad in ({"approvals": {"rules": [{"role": "cfo", "when": {"value_ovr": 1}}]}},
                {"approvals": {"rates": {"EUR": 0}, "rules": []}},
                {"approvals": {"rates": {"euro": 1.1}, "rules": []}},
                {"approvals": {"rules": [{"role": "cfo", "when": {"depth_over": -1}}]}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, project_schema())


def _fields(model):
    for name, field in model.model_fields.items():
        yield model.__name__, name, field
        inner = _models_in(field.annotation)
        for sub in inner:
            yield from _fields(sub)


def _models_in(annotation):
    import typing
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def test_every_field_has_a_description():
    undocumented = [f"{m}.{n}" for m, n, f in _fields(Deal) if not f.description]
    assert undocumented == []


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: p.stem)
def test_examples_validate_against_the_schema(path):
    jsonschema.validate(json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str)), schema())


def test_schema_rejects_unknown_keys():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "negdocs/v1", "title": "T", "context": "sales", "titel": "x"}, schema())
