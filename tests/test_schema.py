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


def test_committed_schema_is_current(make_project):
    """Regenerate with: .venv/bin/negdocs schema > schema/negdocs.schema.json"""
    assert COMMITTED.read_text(encoding="utf-8") == schema_json()
    assert make_project().run("schema").stdout == schema_json()


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
