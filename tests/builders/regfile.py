"""Writes `.reg` export text from MemoryKey trees the way `reg export` does: UTF-16LE with a BOM, CRLF,
"Windows Registry Editor Version 5.00", hex(...) data wrapped with trailing-backslash continuations."""

from __future__ import annotations

from pathlib import Path

from core.registry.keys import REG_BINARY, REG_DWORD, REG_SZ, MemoryKey, RegKey, RegValue
from tests.builders.regf import encode_data

HEADER = "Windows Registry Editor Version 5.00"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _hex_lines(prefix: str, raw: bytes) -> str:
    """regedit wraps hex data near 80 columns, continuing with ',\\' and two-space indents."""
    parts = [f"{b:02x}" for b in raw]
    lines: list[str] = []
    current = prefix
    for i, part in enumerate(parts):
        piece = part + ("," if i < len(parts) - 1 else "")
        if len(current) + len(piece) > 77:
            lines.append(current + "\\")
            current = "  "
        current += piece
    lines.append(current)
    return "\r\n".join(lines)


def value_line(value: RegValue) -> str:
    name = "@" if value.name == "" else f'"{_escape(value.name)}"'
    if value.type == REG_SZ and isinstance(value.data, str) and "\x00" not in value.data:
        return f'{name}="{_escape(value.data)}"'
    if value.type == REG_DWORD and isinstance(value.data, int):
        return f"{name}=dword:{value.data:08x}"
    kind = "hex" if value.type == REG_BINARY else f"hex({value.type:x})"
    return _hex_lines(f"{name}={kind}:", encode_data(value))


def _key_text(key: RegKey, full: str, out: list[str]) -> None:
    out.append(f"[{full}]")
    out.extend(value_line(v) for v in key.values())
    out.append("")
    for sub in key.subkeys():
        _key_text(sub, f"{full}\\{sub.name}", out)


def reg_text(roots: dict[str, MemoryKey], *, header: str = HEADER) -> str:
    out = [header, ""]
    for name, root in roots.items():
        _key_text(root, f"HKEY_LOCAL_MACHINE\\{name}", out)
    return "\r\n".join(out) + "\r\n"


def write_reg(path: Path, roots: dict[str, MemoryKey], *, encoding: str = "utf-16") -> Path:
    """encoding "utf-16" writes UTF-16LE with BOM (reg export); "utf-8" / "utf-8-sig" also work."""
    text = reg_text(roots)
    data = b"\xff\xfe" + text.encode("utf-16-le") if encoding == "utf-16" else text.encode(encoding)
    path.write_bytes(data)
    return path


def trees_equal(a: RegKey, b: RegKey) -> bool:
    """Same names (ignoring case, as Windows does), same values and types, recursively."""
    if a.name.casefold() != b.name.casefold():
        return False
    va = {v.name.casefold(): (v.type, v.data) for v in a.values()}
    vb = {v.name.casefold(): (v.type, v.data) for v in b.values()}
    if va != vb:
        return False
    sa = {k.name.casefold(): k for k in a.subkeys()}
    sb = {k.name.casefold(): k for k in b.subkeys()}
    return sa.keys() == sb.keys() and all(trees_equal(sa[n], sb[n]) for n in sa)
