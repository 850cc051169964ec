"""How big the page file must be for each dump type — the one rule, used by the readiness check and
the diagnosis finding alike.

Sources (resources/knowledge/sources.json): KB 254649 "Overview of memory dump file options": a
complete dump needs a page file on the boot volume of all RAM plus 257 MB; a small dump needs at least
2 MB. The page-file sizing article gives the same complete-dump figure (1 MB header + 256 MB of driver
data) and 1 MB for a small dump; the larger figure is used. Kernel and automatic dumps depend on kernel
memory use, so no fixed figure exists; KB 949052 adds that on Vista SP1 / 2008 and later a kernel dump
is not written when the page file's initial size is smaller than RAM, unless IgnorePagefileSize is 1.
"""

from __future__ import annotations

MB = 1024 * 1024
COMPLETE_EXTRA_MB = 257
SMALL_MIN_MB = 2
COMPLETE, KERNEL, SMALL, AUTOMATIC = 1, 2, 3, 7
BOOT_DRIVE = "C:"  # the registry names no boot drive letter; C: is where Windows starts by default


def required_page_file_mb(dump_type: int, ram_bytes: int | None) -> int | None:
    """Minimum page file (MB) for the dump type; None when no fixed figure exists or RAM is unknown."""
    if dump_type == SMALL:
        return SMALL_MIN_MB
    if dump_type == COMPLETE and ram_bytes:
        return -(-ram_bytes // MB) + COMPLETE_EXTRA_MB
    return None


def expected_dump_mb(dump_type: int, ram_bytes: int | None) -> int | None:
    """Roughly how big the dump file itself will be (for free space): a complete dump holds all RAM;
    a small dump stays under 2 MB. Kernel dumps: not known in advance."""
    if dump_type == SMALL:
        return SMALL_MIN_MB
    if dump_type == COMPLETE and ram_bytes:
        return -(-ram_bytes // MB) + 1
    return None


def on_boot_volume(path: str) -> bool:
    """A page file entry on the boot volume; "?:" (system managed, any drive) counts."""
    text = path.strip().strip('"')
    text = text[4:] if text.startswith("\\??\\") else text
    return text[:2].upper() in (BOOT_DRIVE, "?:")
