"""Small formatting rules shared by every layer, so a size reads the same in a scan note, a report
and the wizard."""

from __future__ import annotations


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
