"""Turn the evidence model into JSON-ready values, the same way for the CLI, reports and bundles."""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z (naive datetimes are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return text


def to_jsonable(value: Any) -> Any:
    """Recursively convert dataclasses, enums, datetimes, paths, bytes and sets."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        custom = getattr(value, "to_json", None)
        if callable(custom):
            return custom()
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.metadata.get("json_skip")}
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    return value
