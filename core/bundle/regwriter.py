"""Write registry keys as `.reg` text exactly as `reg export` / regedit do (version 5.00, UTF-16LE with
a BOM, CRLF, hex values wrapped at 80 columns), so a bundle's registry reads like the collector's.

Used in production by the exporter and by tests/builders to build fixtures.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

from core.errors import DumpDoctorError
from core.registry.keys import (
    REG_BINARY,
    REG_DWORD,
    REG_QWORD,
    REG_SZ,
    RegKey,
    RegValue,
)

HEADER = "Windows Registry Editor Version 5.00"
ENCODING = "utf-16-le"
BOM = codecs.BOM_UTF16_LE
_WRAP = 76  # regedit breaks a hex line once it passes this column

ValueMap = Callable[[str, RegValue], RegValue]  # (key path, value) -> value to write
NameMap = Callable[[str], str]
T = TypeVar("T")
OnError = Callable[[str, DumpDoctorError], None]  # (key path, what went wrong) for a damaged hive


def guarded_iter(items: Iterable[T], path: str, on_error: OnError | None) -> Iterator[T]:
    """Iterate a key's values or subkeys; a damaged hive stops the iteration with a DumpDoctorError
    (the hive layer turns library errors into FormatError), which `on_error` hears about while the
    caller goes on with what was read. Without `on_error` the error propagates."""
    try:
        yield from items
    except DumpDoctorError as exc:
        if on_error is None:
            raise
        on_error(path, exc)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hex_lines(prefix: str, data: bytes) -> str:
    if not data:
        return prefix
    lines: list[str] = []
    line = prefix
    for i, byte in enumerate(data):
        line += f"{byte:02x}"
        if i == len(data) - 1:
            break
        line += ","
        if len(line) > _WRAP:
            lines.append(line + "\\")
            line = "  "
    lines.append(line)
    return "\r\n".join(lines)


def _sz_bytes(text: str) -> bytes:
    return text.encode(ENCODING, errors="surrogatepass") + b"\0\0"


def value_bytes(value: RegValue) -> bytes:
    """The raw bytes Windows stores for a value (what `hex(N):` shows)."""
    data = value.data
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    if isinstance(data, list):
        return b"".join(_sz_bytes(s) for s in data) + b"\0\0"
    if isinstance(data, str):
        return _sz_bytes(data)
    if value.type == REG_QWORD:
        return (data & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")
    return (data & 0xFFFFFFFF).to_bytes(4, "little")


def format_value(value: RegValue) -> str:
    """One value line (possibly wrapped), as regedit writes it."""
    name = "@" if value.name == "" else _quote(value.name)
    data = value.data
    if value.type == REG_SZ and isinstance(data, str) and not any(c in data for c in "\0\r\n"):
        return f"{name}={_quote(data)}"
    if value.type == REG_DWORD and isinstance(data, int) and 0 <= data <= 0xFFFFFFFF:
        return f"{name}=dword:{data:08x}"
    prefix = f"{name}=hex:" if value.type == REG_BINARY else f"{name}=hex({value.type:x}):"
    return _hex_lines(prefix, value_bytes(value))


def iter_reg_lines(key: RegKey, path: str, *, recursive: bool = True,
                   map_value: ValueMap | None = None, map_name: NameMap | None = None,
                   on_error: OnError | None = None) -> Iterator[str]:
    """Lines (without CRLF) for `key`, shown as `path`, then its subkeys depth-first. With `on_error`,
    a part of the hive that cannot be read is reported and skipped; the rest is still written."""
    yield f"[{path}]"
    for value in guarded_iter(key.values(), path, on_error):
        if map_value is not None:
            value = map_value(path, value)
        if map_name is not None and value.name:
            value = RegValue(map_name(value.name), value.type, value.data)
        yield format_value(value)
    yield ""
    if not recursive:
        return
    for sub in guarded_iter(key.subkeys(), path, on_error):
        name = map_name(sub.name) if map_name is not None else sub.name
        yield from iter_reg_lines(sub, f"{path}\\{name}", recursive=True,
                                  map_value=map_value, map_name=map_name, on_error=on_error)


def write_reg(out: TextIO, keys: list[tuple[RegKey, str, bool]], *, map_value: ValueMap | None = None,
              map_name: NameMap | None = None, on_error: OnError | None = None) -> None:
    """Write a whole `.reg` document to a text stream; `keys` holds (key, shown path, recursive).
    The caller opens the stream with ENCODING and writes BOM (see reg_text / reg_bytes)."""
    out.write(HEADER + "\r\n\r\n")
    for key, path, recursive in keys:
        for line in iter_reg_lines(key, path, recursive=recursive, map_value=map_value, map_name=map_name,
                                   on_error=on_error):
            out.write(line + "\r\n")


def reg_text(keys: list[tuple[RegKey, str, bool]], *, map_value: ValueMap | None = None,
             map_name: NameMap | None = None, on_error: OnError | None = None) -> str:
    buf = io.StringIO(newline="")
    write_reg(buf, keys, map_value=map_value, map_name=map_name, on_error=on_error)
    return buf.getvalue()


def encode_reg(text: str) -> bytes:
    """The file bytes: UTF-16LE with a BOM, as `reg export` writes."""
    return BOM + text.encode(ENCODING, errors="surrogatepass")

