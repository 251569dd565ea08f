"""The JSON Schema of the deal format, generated from the models."""

import json

from negdocs.load.model import Deal


def schema() -> dict:
    data = Deal.model_json_schema(mode="validation")
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return data


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
