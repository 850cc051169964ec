"""Rewrite every string of a finished Evidence through the source's `public_text`.

Readers are handed real files; a zip bundle's are private temporary copies that are deleted when the
source closes. Whatever a reader records (a driver's file path, an evidence reference, a problem's
path or message) would otherwise cite that temporary path instead of `bundle.zip!drivers/x.sys`.
Mapping at this one boundary covers every field, present and future, rather than each reader
remembering to ask the source for a display name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any

Mapper = Callable[[str], str]
_MAX_DEPTH = 32  # evidence models nest a few levels; this bounds a cycle nobody intended


def relabel(value: Any, mapper: Mapper, _depth: int = 0, _seen: set[int] | None = None) -> Any:
    """`value` with every str inside it passed through `mapper` (dataclasses are updated in place,
    frozen ones included, each once even when reachable twice, e.g. Evidence.machines; lists,
    tuples, sets and dicts are rebuilt). Other values are left alone."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return mapper(value)
    if _depth > _MAX_DEPTH:
        return value
    seen = set() if _seen is None else _seen
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) in seen:
            return value
        seen.add(id(value))
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = relabel(old, mapper, _depth + 1, seen)
            # Only real changes are written: an unchanged list is left as it was, so objects shared
            # with tables (a cached bug-check entry) are never touched.
            if new is not old and new != old:
                object.__setattr__(value, f.name, new)  # frozen dataclasses too: this is our evidence
        return value
    if isinstance(value, list):
        return [relabel(v, mapper, _depth + 1, seen) for v in value]
    if isinstance(value, tuple):
        items = [relabel(v, mapper, _depth + 1, seen) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)  # NamedTuple too
    if isinstance(value, dict):
        return {relabel(k, mapper, _depth + 1, seen): relabel(v, mapper, _depth + 1, seen)
                for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return type(value)(relabel(v, mapper, _depth + 1, seen) for v in value)
    return value
