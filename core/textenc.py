"""Which text encoding a file uses, from its first bytes — the one rule for every text format we read
(.reg exports, event XML, and content identification). Windows tools write UTF-16LE with a BOM
(`reg export`, Event Viewer), sometimes without one, and UTF-8 with or without a BOM."""

from __future__ import annotations

import codecs


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """(codec name, BOM length) from the first bytes; plain UTF-8 when nothing says otherwise."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return "utf-16-be", 0  # ASCII text in UTF-16 without a BOM: every other byte is zero
    if len(head) >= 2 and head[0] != 0 and head[1] == 0:
        return "utf-16-le", 0
    return "utf-8", 0


def decode_start(prefix: bytes) -> str:
    """The first bytes of a file as text, for recognising its format: the BOM dropped, a UTF-16
    prefix cut at an odd length not turned into garbage, undecodable bytes ignored."""
    encoding, bom = sniff_encoding(prefix)
    body = prefix[bom:]
    if encoding.startswith("utf-16"):
        body = body[: len(body) // 2 * 2]
    return body.decode(encoding, errors="ignore")
