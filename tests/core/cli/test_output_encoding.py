"""The CLI writes UTF-8 whatever stdout is: redirected on Windows it would be cp1252, and the first
"→" or "—" in a report used to end the command with UnicodeEncodeError (exit 1)."""

from __future__ import annotations

import io
import sys

import pytest

from core.cli.main import main


def test_report_to_a_cp1252_stream_is_written_as_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252", errors="strict")  # `scan > out.txt` on Windows
    monkeypatch.setattr(sys, "stdout", stream)
    code = main(["scan", "--demo"])
    stream.flush()
    text = raw.getvalue().decode("utf-8")
    assert code == 1  # the demo's verdict, not a crash
    assert "—" in text and "Dump Doctor report" in text
