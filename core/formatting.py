"""Small formatting rules shared by every layer, so a size reads the same in a scan note, a report
and the wizard."""

from __future__ import annotations

from datetime import UTC, datetime


def format_size(n: int) -> str:
    """'512 bytes', '1.5 KB', '16 GB': sizes as every page and command shows them."""
    size = float(n)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{n} bytes" if unit == "bytes" else _one_decimal(size, unit)
        size /= 1024
    return _one_decimal(size, "GB")


def _one_decimal(value: float, unit: str) -> str:
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


# -- times: every time the user reads is UTC, in one of these three shapes ---------------------------

def format_time(when: datetime | None, *, seconds: bool = False, zone: bool = True) -> str:
    """'2011-03-04 08:05 UTC' (tables, findings, command output); `zone=False` where a column header
    already says UTC; 'unknown' for a time the evidence does not give."""
    if when is None:
        return "unknown"
    utc = when.astimezone(UTC) if when.tzinfo is not None else when
    text = f"{utc:%Y-%m-%d %H:%M:%S}" if seconds else f"{utc:%Y-%m-%d %H:%M}"
    return f"{text} UTC" if zone else text


def format_moment(when: datetime) -> str:
    """'4 Mar 2011 08:05 UTC': a time inside a sentence (timeline summaries)."""
    utc = when.astimezone(UTC) if when.tzinfo is not None else when
    return f"{utc.day} {utc:%b %Y %H:%M} UTC"


def format_day(when: datetime) -> str:
    """'4 March 2011': a day inside a sentence ("since 4 March 2011")."""
    return f"{when.day} {when.strftime('%B %Y')}"
