"""`.reg` exports (what `reg export` and regedit write) as a first-class registry source.

Roots are keyed by hive: HKEY_LOCAL_MACHINE\\SYSTEM\\... lands under roots["SYSTEM"] (path HKLM\\SYSTEM),
with CurrentControlSet kept as an ordinary subkey (an export has no Select key to resolve it).
The file is decoded as a stream, line by line, so a large export is never held whole in memory.
Malformed lines are skipped, counted and reported with file and line number.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import FormatError, NotRecognisedError, unreadable
from core.registry.keys import REG_BINARY, REG_DWORD, REG_SZ, MemoryKey, RegData
from core.registry.values import decode_value
from core.safefs import open_regular
from core.textenc import decode_start, sniff_encoding

log = logging.getLogger(__name__)

HEADER_V5 = "Windows Registry Editor Version 5.00"
HEADER_V4 = "REGEDIT4"
MAX_LOGICAL_LINE = 64 * 1024 * 1024  # a continuation chain longer than this is hostile, not data

_HIVES = {
    "hkey_local_machine": "HKLM", "hklm": "HKLM",
    "hkey_current_user": "HKCU", "hkcu": "HKCU",
    "hkey_users": "HKU", "hku": "HKU",
    "hkey_classes_root": "HKCR", "hkcr": "HKCR",
    "hkey_current_config": "HKCC", "hkcc": "HKCC",
}
_HEX_TYPE = re.compile(r"hex(?:\(([0-9a-fA-F]{1,8})\))?:", re.ASCII)
_HEX_BYTES = re.compile(r"^(?:[0-9a-fA-F]{1,2}(?:\s*,\s*[0-9a-fA-F]{1,2})*)?\s*,?$", re.ASCII)


@dataclass(frozen=True)
class SkippedLine:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class RegExport:
    roots: dict[str, MemoryKey] = field(default_factory=dict)
    skipped: list[SkippedLine] = field(default_factory=list)
    keys_read: int = 0


class _LineError(ValueError):
    pass


def detect(prefix: bytes) -> bool:
    """A .reg export (either header), from its first bytes (source identification walks these)."""
    text = decode_start(prefix).lstrip("\ufeff \t\r\n").lower()
    return text.startswith((HEADER_V5.lower(), HEADER_V4.lower()))


def read_reg_export(path: str | Path) -> dict[str, MemoryKey]:
    """Roots ("SYSTEM", "SOFTWARE", ...) read from one .reg file; skipped lines are logged."""
    return read_reg_exports([path]).roots


def read_reg_exports(paths: Iterable[str | Path], into: RegExport | None = None) -> RegExport:
    """Merge several .reg files in order (later files win, [-KEY] deletes what earlier ones added)."""
    result = into if into is not None else RegExport()
    for p in paths:
        _read_one(Path(p), result)
    return result


@contextlib.contextmanager
def _open_text(path: Path) -> Iterator[io.TextIOWrapper]:
    try:
        fh = open_regular(path)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    with fh:
        try:
            head = fh.read(4)
        except OSError as exc:
            raise unreadable(path, exc) from exc
        encoding, skip = sniff_encoding(head)
        fh.seek(skip)
        # errors="replace": REGEDIT4 files are in the ANSI code page; a stray byte is not fatal.
        # newline="": only CR/LF end lines (str.splitlines would also split on \x0c or U+2028).
        with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
            yield text


def _bounded_lines(text: io.TextIOBase, path: Path) -> Iterator[str]:
    """The file's lines, none longer than MAX_LOGICAL_LINE characters: iterating a text file reads a
    line whole, so one without a line break would take all memory (a hostile or corrupt export)."""
    while line := text.readline(MAX_LOGICAL_LINE + 1):
        if len(line) > MAX_LOGICAL_LINE:
            raise FormatError("a line never ends", path=path,
                              expected=f"lines shorter than {MAX_LOGICAL_LINE:,} characters")
        yield line


def _logical_lines(lines: Iterable[str], path: Path) -> Iterator[tuple[int, str]]:
    """Join trailing-backslash continuations; yield (first line number, text)."""
    pending: list[str] = []
    start = 0
    length = 0
    for number, raw in enumerate(lines, 1):
        text = raw.rstrip("\r\n")
        if not pending:
            start = number
            text = text.rstrip()
        else:
            text = text.strip()
        if text.endswith("\\") and not text.lstrip().startswith("["):
            pending.append(text[:-1])
            length += len(text)
            if length > MAX_LOGICAL_LINE:
                raise FormatError("a continued line never ends", path=path,
                                  expected=f"a value shorter than {MAX_LOGICAL_LINE:,} characters")
            continue
        pending.append(text)
        yield start, "".join(pending)
        pending, length = [], 0
    if pending:
        yield start, "".join(pending)


def _read_one(path: Path, result: RegExport) -> None:
    try:
        with _open_text(path) as text:
            _parse_lines(path, _bounded_lines(text, path), result)
    except OSError as exc:  # a read failing half-way (network share gone, bad sector)
        raise unreadable(path, exc) from exc


def _parse_lines(path: Path, text: Iterable[str], result: RegExport) -> None:
    version: int | None = None
    current: MemoryKey | None = None
    keys_before = result.keys_read
    skipped_before = len(result.skipped)
    for number, line in _logical_lines(text, path):
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if version is None:
            if stripped == HEADER_V5:
                version = 5
                continue
            if stripped == HEADER_V4:
                version = 4
                continue
            raise NotRecognisedError("not a registry export", path=path, offset=0,
                                     expected=f"first line '{HEADER_V5}' or '{HEADER_V4}'")
        try:
            if stripped.startswith("["):
                current = _key_line(stripped, path, result)
                result.keys_read += 1  # a [-KEY] deletion is usable content too
            elif current is None:
                raise _LineError("a value before any [key] line")
            else:
                _value_line(stripped, current, version)
        except _LineError as exc:
            result.skipped.append(SkippedLine(str(path), number, str(exc)))
            log.warning("%s:%d: skipped: %s", path, number, exc)
    if version is None:
        raise NotRecognisedError("empty file, not a registry export", path=path, offset=0,
                                 expected=f"first line '{HEADER_V5}'")
    if result.keys_read == keys_before:
        bad = len(result.skipped) - skipped_before
        raise FormatError(f"no usable registry key in this export ({bad} malformed lines)", path=path,
                          expected="[HKEY_LOCAL_MACHINE\\...] key lines")


def _split_key_path(text: str) -> tuple[str, str, list[str]]:
    """'HKEY_LOCAL_MACHINE\\SYSTEM\\Select' → ('SYSTEM', 'HKLM\\SYSTEM', ['Select'])."""
    parts = [p for p in text.split("\\") if p]
    if not parts:
        raise _LineError("empty key path")
    hive = _HIVES.get(parts[0].casefold())
    if hive is None:
        raise _LineError(f"unknown root key {parts[0]!r}")
    if hive == "HKLM":
        if len(parts) < 2:
            raise _LineError("HKEY_LOCAL_MACHINE itself holds no values; expected a hive below it")
        root = parts[1].upper() if parts[1].casefold() in {"system", "software", "sam", "security",
                                                            "hardware", "bcd00000000"} else parts[1]
        return root, f"HKLM\\{root}", parts[2:]
    return hive, hive, parts[1:]


def _key_line(text: str, path: Path, result: RegExport) -> MemoryKey | None:
    if not text.endswith("]"):
        raise _LineError("a key line without its closing ']'")
    inner = text[1:-1]
    delete = inner.startswith("-")
    root_name, root_path, rest = _split_key_path(inner[1:] if delete else inner)
    root = result.roots.get(root_name)
    if delete:
        if root is not None:
            if not rest:
                del result.roots[root_name]
            else:
                parent = root.subkey("\\".join(rest[:-1])) if rest[:-1] else root
                if isinstance(parent, MemoryKey):
                    parent.delete_subkey(rest[-1])
        return None
    if root is None:
        root = MemoryKey(root_name, root_path, str(path))
        result.roots[root_name] = root
    key = root.ensure("\\".join(rest)) if rest else root
    key.origin = str(path)  # the file that sets this key's values is the one it is cited from
    return key


def _quoted(text: str, start: int) -> tuple[str, int]:
    """Parse a "..." string with \\\\ and \\" escapes starting at text[start] == '"'; return (value,
    index after the closing quote)."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise _LineError("a string without its closing quote")


def _value_line(text: str, key: MemoryKey, version: int) -> None:
    if text.startswith("@"):
        name, pos = "", 1
    elif text.startswith('"'):
        name, pos = _quoted(text, 0)
    else:
        raise _LineError("expected a \"name\"= or @= value line")
    rest = text[pos:].lstrip()
    if not rest.startswith("="):
        raise _LineError("expected '=' after the value name")
    data = rest[1:].strip()
    if data == "-":
        key.delete_value(name)
        return
    type_, value = _parse_data(data, version)
    key.set(name, type_, value)


def _parse_data(data: str, version: int) -> tuple[int, RegData]:
    if data.startswith('"'):
        value, end = _quoted(data, 0)
        if data[end:].strip():
            raise _LineError("unexpected text after the closing quote")
        return REG_SZ, value
    low = data.casefold()
    if low.startswith("dword:"):
        digits = data[6:].strip()
        if not re.fullmatch(r"[0-9a-fA-F]{1,8}", digits):
            raise _LineError(f"dword needs 1 to 8 hex digits, got {digits[:20]!r}")
        return REG_DWORD, int(digits, 16)
    match = _HEX_TYPE.match(low)
    if match:
        type_ = int(match.group(1), 16) if match.group(1) else REG_BINARY
        body = data[match.end():].strip()
        if not _HEX_BYTES.match(body):
            raise _LineError("hex data must be comma-separated byte pairs")
        raw = bytes(int(b, 16) for b in re.findall(r"[0-9a-fA-F]{1,2}", body))
        if version == 4 and type_ in (2, 7):
            # REGEDIT4 wrote expandable and multi strings in the ANSI code page, not UTF-16
            raw = raw.decode("cp1252", errors="replace").encode("utf-16-le")
        return type_, decode_value(type_, raw)
    raise _LineError(f"unknown value data {data[:20]!r}")


