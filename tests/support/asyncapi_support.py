"""Validating frames against a message of the AsyncAPI document."""

from __future__ import annotations

import json
from typing import Any

import jsonschema


def message_validator(document: dict[str, Any], key: str) -> jsonschema.Draft202012Validator:
    schemas = document["components"]["schemas"]
    schema = {**schemas[key], "$defs": schemas}
    text = json.dumps(schema).replace("#/components/schemas/", "#/$defs/")
    return jsonschema.Draft202012Validator(json.loads(text))
