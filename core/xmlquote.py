"""XML escaping without xml.sax.saxutils, which imports urllib.request (and with it http, email and
ssl) only to offer helpers we do not use: about 12 ms of every start-up (issue 18)."""

from __future__ import annotations

_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Attribute values also keep their whitespace characters (XML normalises raw ones to spaces).
_ATTR = {**_TEXT, "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape(text: str) -> str:
    """Character data: &, < and > as entities."""
    return "".join(_TEXT.get(ch, ch) for ch in text)


def quoteattr(text: str) -> str:
    """An attribute value with its quotes, as xml.sax.saxutils.quoteattr writes it."""
    body = "".join(_ATTR.get(ch, ch) for ch in text)
    if '"' not in body:
        return f'"{body}"'
    if "'" not in body:
        return f"'{body}'"
    return '"{}"'.format(body.replace('"', "&quot;"))
