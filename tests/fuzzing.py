"""The invariant every fuzz test asserts (they are marked `fuzz`): whatever the bytes, a reader returns
a result or raises one of the project's errors, which says what is wrong and, when the reader was
given a file, names it. Any other exception is a reader bug and fails the test with its type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from core.errors import DumpDoctorError

T = TypeVar("T")


def only_project_errors(read: Callable[[], T], *, names: str | None = None) -> T | None:
    """`read()`'s result, or None when it raised a DumpDoctorError (checked to carry a message, and
    `names` when given); any other exception fails the test."""
    try:
        return read()
    except DumpDoctorError as exc:
        assert exc.message.strip(), "a project error must say what is wrong"
        if names is not None:
            assert names in str(exc), f"the error does not name {names}: {exc}"
        return None
    except Exception as exc:  # the invariant under test: nothing else may escape
        pytest.fail(f"{type(exc).__name__} escaped the reader: {exc}")
