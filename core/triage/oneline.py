"""The one-line summary: for fleet tools that keep only the last line of a command's output.

Intune remediation scripts keep the last line, at most 2,048 characters, and read the exit code; an RMM
dashboard shows one line per machine. The line names the machine, both verdicts, the last crash and the
dump path's drivers, in that order, so what is cut off when values are long is the least important.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.triage.row import TriageRow

MAX_CHARS = 2048  # Intune's limit for the output it keeps


# The problems column also names what evidence is missing, on one line that starts with this.
MISSING_PREFIX = "missing evidence: "


def _clean(value: object) -> str:
    """No line breaks or control characters inside the line: a value from the evidence must not
    split it (a tool would then keep only the part after the break)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return " ".join(text.split())


def summary_line(row: TriageRow) -> str:
    parts = [f"Dump Doctor: {_clean(row.computer_name or 'unknown computer')}"]
    if row.verdict == "error":
        parts.append("not examined: " + _clean("; ".join(row.problems) or "unknown error"))
        return _fit(parts)
    os_text = " ".join(p for p in (row.os, row.os_build) if p)
    if os_text:
        parts.append(_clean(os_text))
    parts.append(f"known issue: {row.verdict}" + (f" ({row.verdict_reason})" if row.verdict_reason else ""))
    parts.append(f"dump readiness: {_clean(row.dump_readiness)}")
    if row.last_crash_time:
        crash = f"last crash {row.last_crash_time}"
        if row.stop_code:
            crash += f" Stop {row.stop_code}" + (f" {row.stop_name}" if row.stop_name else "")
        if row.faulting_driver:
            crash += f" in {_clean(row.faulting_driver)}"
        if row.no_dump_reason:
            crash += f", no dump ({row.no_dump_reason})"
        parts.append(crash)
    else:
        parts.append("no crash recorded")
    if row.boot_miniport:
        kind = f" ({row.boot_miniport_kind})" if row.boot_miniport_kind else ""
        parts.append(f"boot miniport {_clean(row.boot_miniport)}{kind}")
    if row.diskdump_version or row.diskdump_fix_state:
        state = row.diskdump_fix_state or "unknown"
        parts.append(f"Diskdump.sys {_clean(row.diskdump_version or '?')} {state}")
    unread = [p for p in row.problems if not p.startswith(MISSING_PREFIX)]
    missing = [p.removeprefix(MISSING_PREFIX) for p in row.problems if p.startswith(MISSING_PREFIX)]
    if unread:
        parts.append(f"{len(unread)} problem(s) reading evidence")
    if missing:
        parts.append(_clean("missing: " + "; ".join(missing)))
    if row.exit_code is not None:
        parts.append(f"exit {row.exit_code}")
    return _fit(parts)


def _fit(parts: list[str]) -> str:
    line = " | ".join(parts)
    if len(line) <= MAX_CHARS:
        return line
    return line[: MAX_CHARS - 3] + "..."


def for_console(text: str, encoding: str | None) -> str:
    """`text` as the output stream can carry it. A Windows pipe (what Intune, RMM agents and
    Velociraptor read) uses the ANSI code page; a computer name it cannot encode must cost a '?',
    not the line."""
    codec = encoding or "utf-8"
    try:
        return text.encode(codec, "replace").decode(codec)
    except LookupError:
        return text
