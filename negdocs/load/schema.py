"""The JSON Schemas of the deal format and of ``negdocs.yaml``, generated from the models."""

import json

from negdocs.load.model import Deal


def schema() -> dict:
    data = Deal.model_json_schema(mode="validation")
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return data


def project_schema() -> dict:
    """``negdocs.yaml``: project settings and the approval matrix."""
    from negdocs.project import Settings

    data = Settings.model_json_schema(mode="validation")
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["$id"] = "https://negdocs.dev/schema/negdocs-project.schema.json"
    data["title"] = "negdocs project settings (negdocs.yaml)"
    return data


def schema_json(project: bool = False) -> str:
    return json.dumps(project_schema() if project else schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
