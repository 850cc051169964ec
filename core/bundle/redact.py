"""Consistent redaction of personal identifiers in a bundle's text files.

What is redacted (each original always becomes the same token, e.g. USER1, COMPUTER1):
- user names in profile paths (C:\\Users\\<name>, C:\\Documents and Settings\\<name>, /home/<name>);
- the computer name and DNS domain (registry ComputerName/Hostname/Domain values, event <Computer>);
- account and machine SIDs (S-1-5-21-...); well-known SIDs such as S-1-5-18 are kept;
- MAC addresses (aa-bb-cc-dd-ee-ff / aa:bb:..., and NetworkAddress values);
- serial-like identifiers: SerialNumber / ProductId / DigitalProductId values and the serial part of
  USB and USBSTOR device instance ids; registered owner and organisation; IP addresses in TCP/IP
  values.
What is kept: PCI/ROOT/SCSI device ids, driver names, versions, bug-check data and event times —
the diagnosis needs them and they identify hardware models, not people.

Binary evidence (dumps, drivers, .evtx) is not rewritten; the exporter decides what to leave out and
the manifest says so (see export.py).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.registry.keys import REG_SZ, RegValue

KINDS = ("user", "computer", "domain", "sid", "mac", "serial", "owner", "ip")
_TOKEN_PREFIX = {"user": "USER", "computer": "COMPUTER", "domain": "DOMAIN", "sid": "SID",
                 "mac": "MAC", "serial": "SERIAL", "owner": "OWNER", "ip": "IP"}

# Profile folders that name no person; replacing them would also break paths Windows itself uses.
_NOT_PERSONAL = frozenset(s.casefold() for s in (
    "Public", "Default", "Default User", "All Users", "defaultuser0", "Administrator", "LocalService",
    "NetworkService", "systemprofile", "Guest", "USERNAME", "%USERNAME%", "Users",
))
_TOKEN_SHAPE = re.compile(r"^(USER|COMPUTER|DOMAIN|SID|MAC|SERIAL|OWNER|IP)\d+$")

_SEP = r"(?:\\{1,2}|/)"
_USER_PATH = re.compile(
    rf"(?:\b[A-Za-z]:|%SystemDrive%|^|(?<=[\s\"'=>(,;]))?{_SEP}?"
    rf"(?:Users|Documents and Settings|home){_SEP}([^\\/:*?\"<>|\r\n\t]{{1,64}}?)(?={_SEP}|[\"'<>\r\n\t]|$)",
    re.IGNORECASE | re.MULTILINE,
)
_SID = re.compile(r"\bS-1-5-21(?:-\d{1,10}){3,4}\b", re.IGNORECASE)
_MAC = re.compile(r"(?<![0-9A-Fa-f:-])(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
                  r"(?![0-9A-Fa-f:-])")

# Registry values whose whole data identifies the machine, its owner or its network.
SENSITIVE_VALUES: dict[str, str] = {
    "computername": "computer", "hostname": "computer", "nv hostname": "computer",
    "domain": "domain", "nv domain": "domain", "dhcpdomain": "domain",
    "registeredowner": "owner", "registeredorganization": "owner",
    "serialnumber": "serial", "productid": "serial", "digitalproductid": "serial",
    "digitalproductid4": "serial", "networkaddress": "mac",
    "ipaddress": "ip", "dhcpipaddress": "ip", "dhcpserver": "ip", "nameserver": "ip",
    "dhcpnameserver": "ip", "defaultgateway": "ip", "dhcpdefaultgateway": "ip",
}
_NOT_AN_IP = frozenset({"", "0.0.0.0", "255.255.255.255", "127.0.0.1"})
_USB_INSTANCE = re.compile(r"\\Enum\\(?:USBSTOR|USB)\\[^\\]+\\([^\\]+)$", re.IGNORECASE)

# One regex call holds the GIL for all of its text: over the 15 MB JSON report of a 6,400-driver
# folder, one finditer stopped the wizard's window for 1.6 s. Long texts are matched in pieces that
# end just after a line break or a ">"; no pattern here matches across either (an identifier holding
# one is matched in the whole text), and the lookarounds see the same thing at a piece's edge.
_PIECE = 1 << 16  # characters
_PIECE_ENDS = re.compile(r"[\n>]")


def _pieces(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        m = _PIECE_ENDS.search(text, start + _PIECE)
        end = m.end() if m else len(text)
        yield text[start:end]
        start = end


@dataclass
class RedactionSummary:
    applied: bool
    kinds: list[str] = field(default_factory=list)  # kinds with at least one identifier found
    count: int = 0  # replacements made in the bundle
    identifiers: dict[str, int] = field(default_factory=dict)  # distinct originals per kind
    not_redacted: list[str] = field(default_factory=list)  # files kept byte-for-byte, and why


class Redactor:
    """Learns identifiers first (so every file uses the same token), then rewrites text and values.
    A disabled Redactor passes everything through unchanged."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._token: dict[str, str] = {}  # casefolded original -> token
        self._original: dict[str, tuple[str, str]] = {}  # casefolded original -> (original, kind)
        self._next: Counter[str] = Counter()
        self.replacements = 0
        self._pattern: re.Pattern[str] | None = None
        self._variants: dict[str, str] = {}  # casefolded spelling (plain/escaped) -> token
        self._kind_of: dict[str, str] = {}  # token -> kind

    # -- learning ---------------------------------------------------------------------------------
    def learn(self, kind: str, value: str | None) -> str | None:
        """Register an identifier; returns its token (None when it is not worth redacting)."""
        if not self.enabled or value is None:
            return None
        value = value.strip()
        folded = value.casefold()
        if len(value) < 2 or folded in _NOT_PERSONAL or _TOKEN_SHAPE.match(value):
            return None
        if kind == "ip" and value in _NOT_AN_IP:
            return None
        if folded in self._token:
            return self._token[folded]
        self._next[kind] += 1
        token = f"{_TOKEN_PREFIX[kind]}{self._next[kind]}"
        for spelling in _spellings(kind, value):
            self._token.setdefault(spelling.casefold(), token)
            self._original.setdefault(spelling.casefold(), (spelling, kind))
        self._kind_of[token] = kind
        self._pattern = None
        return token

    def learn_computer(self, name: str | None) -> None:
        """A computer name, possibly fully qualified (PC42.corp.example.com)."""
        if not name:
            return
        host, _, domain = name.strip().partition(".")
        self.learn("computer", host)
        if domain:
            self.learn("domain", domain)

    def learn_text(self, text: str) -> None:
        if not self.enabled or not text:
            return
        for piece in _pieces(text):
            for m in _USER_PATH.finditer(piece):
                self.learn("user", m.group(1).strip())
            for m in _SID.finditer(piece):
                self.learn("sid", m.group(0))
            for m in _MAC.finditer(piece):
                self.learn("mac", m.group(0))

    def learn_value(self, key_path: str, value: RegValue) -> None:
        if not self.enabled:
            return
        kind = SENSITIVE_VALUES.get(value.name.casefold())
        for text in _strings(value):
            if kind == "computer":
                self.learn_computer(text)
            elif kind is not None:
                self.learn(kind, text)
            else:
                self.learn_text(text)

    def learn_key(self, key_path: str) -> None:
        if not self.enabled:
            return
        m = _USB_INSTANCE.search(key_path)
        if m:
            serial = re.sub(r"&\d+$", "", m.group(1))
            if "&" not in serial and len(serial) >= 4:
                self.learn("serial", serial)
        self.learn_text(key_path)

    # -- rewriting --------------------------------------------------------------------------------
    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._token:
            variants: dict[str, str] = {}
            for folded, token in self._token.items():
                original = self._original[folded][0]
                for spelling in (original, html.escape(original), json.dumps(original)[1:-1]):
                    variants[spelling.casefold()] = token
            self._variants = variants
            alternation = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
            # Letters and digits around a match mean it is part of a longer word: "bob" in "bobcat".
            self._pattern = re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])", re.IGNORECASE)
        return self._pattern

    def text(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        self.learn_text(text)  # anything shaped like an identifier that was not seen before
        pattern = self._compiled()
        if pattern is None:
            return text

        def swap(m: re.Match[str]) -> str:
            self.replacements += 1
            return self._variants[m.group(0).casefold()]

        if any("\n" in v or ">" in v for v in self._variants):
            return pattern.sub(swap, text)
        return "".join(pattern.sub(swap, piece) for piece in _pieces(text))

    def binary(self, data: bytes) -> bytes:
        """Registry binary data: identifiers stored as UTF-16LE or 8-bit text are replaced."""
        if not self.enabled or not data:
            return data
        for folded, token in self._token.items():
            original = self._original[folded][0]
            for enc in ("utf-16-le", "utf-8"):
                needle = original.encode(enc)
                pat = re.compile(re.escape(needle), re.IGNORECASE) if enc == "utf-8" else None
                if pat is not None:
                    data, n = pat.subn(token.encode(enc), data)
                else:
                    n = data.count(needle)
                    data = data.replace(needle, token.encode(enc))
                self.replacements += n
        return data

    def value(self, key_path: str, value: RegValue) -> RegValue:
        if not self.enabled:
            return value
        kind = SENSITIVE_VALUES.get(value.name.casefold())
        data = value.data
        if kind is not None and isinstance(data, bytes) and data:
            # A binary identifier (DigitalProductId) has no text to match: replace it whole.
            self.replacements += 1
            token = self.learn(kind, data.hex()) or _TOKEN_PREFIX[kind]
            return RegValue(value.name, REG_SZ, token)
        if isinstance(data, str):
            return RegValue(value.name, value.type, self.text(data))
        if isinstance(data, list):
            return RegValue(value.name, value.type, [self.text(s) for s in data])
        if isinstance(data, bytes):
            return RegValue(value.name, value.type, self.binary(data))
        return value

    def summary(self, not_redacted: list[str] | None = None) -> RedactionSummary:
        per_kind = Counter(self._kind_of.values())
        return RedactionSummary(
            applied=self.enabled,
            kinds=[k for k in KINDS if per_kind.get(k)],
            count=self.replacements,
            identifiers={k: per_kind[k] for k in KINDS if per_kind.get(k)},
            not_redacted=list(not_redacted or []),
        )


def _spellings(kind: str, value: str) -> list[str]:
    """One identifier as it may be written elsewhere: a MAC as 001A2B.., 00-1A-.. and 00:1A:..."""
    if kind == "mac":
        digits = re.sub(r"[^0-9A-Fa-f]", "", value)
        if len(digits) == 12:
            pairs = [digits[i:i + 2] for i in range(0, 12, 2)]
            return [value, digits, "-".join(pairs), ":".join(pairs)]
    return [value]


def _strings(value: RegValue) -> list[str]:
    data = value.data
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [s for s in data if s]
    if isinstance(data, bytes) and len(data) >= 8 and len(data) % 2 == 0 and b"\0" in data[1::2]:
        # Often a UTF-16 path in disguise (REG_BINARY MRU-style values); decode leniently to learn.
        return [data.decode("utf-16-le", errors="ignore")]
    return []
