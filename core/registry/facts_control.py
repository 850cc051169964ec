"""Dump configuration (CrashControl), page files and hibernation (FACTS §5)."""

from __future__ import annotations

import re

from core.registry.facts_common import ref
from core.registry.keys import RegKey
from core.registry.model import CrashControl, Hibernation, PageFile, PageFileSettings

# When CrashDumpEnabled is absent the kernel does not enable dumps: the NT 5.x IopReadDumpRegistry
# sets DCB_DUMP_ENABLED only when the value exists and is non-zero, and the WMI recovery provider
# reports 0 for a missing value. Setup writes 2 (Vista/7) or 7 (8 and later) on a fresh install, but
# that is what the value normally holds, not what Windows does without it. For 6.x+ kernels the absent
# case is *unconfirmed*; we say "none" and list the value in defaults_used so the report can tell.
ABSENT_CRASH_DUMP_ENABLED = 0

_INT_FIELDS = {
    "Overwrite": "overwrite", "AutoReboot": "auto_reboot", "LogEvent": "log_event",
    "MinidumpsCount": "minidumps_count", "DumpFileSize": "dump_file_size_mb",
    "IgnorePagefileSize": "ignore_pagefile_size", "AlwaysKeepMemoryDump": "always_keep_memory_dump",
}


def read_crash_control(cs: RegKey) -> CrashControl | None:
    key = cs.subkey(r"Control\CrashControl")
    if key is None:
        return None  # nothing known; inventing defaults for a missing key would mislead
    cc = CrashControl(ref=ref(key))
    enabled = key.get_int("CrashDumpEnabled")
    if enabled is None:
        cc.crash_dump_enabled = ABSENT_CRASH_DUMP_ENABLED
        cc.defaults_used.append("CrashDumpEnabled")
    else:
        cc.crash_dump_enabled = enabled
    for value, attr in (("DumpFile", "dump_file"), ("MinidumpDir", "minidump_dir")):
        text = key.get_str(value)
        if text:
            setattr(cc, attr, text)
        else:
            cc.defaults_used.append(value)
    dedicated = key.get_str("DedicatedDumpFile")
    cc.dedicated_dump_file = dedicated or None
    for value, attr in _INT_FIELDS.items():
        number = key.get_int(value)
        setattr(cc, attr, number)
        if number is None:
            cc.defaults_used.append(value)
    cc.dump_filters = key.get_multi("DumpFilters")
    return cc


_PAGING_ENTRY = re.compile(r"^\s*(?P<path>.*?)(?:\s+(?P<initial>\d+))?(?:\s+(?P<maximum>\d+))?\s*$")


def read_page_files(cs: RegKey) -> list[PageFile]:
    key = cs.subkey(r"Control\Session Manager\Memory Management")
    if key is None:
        return []
    out: list[PageFile] = []
    evidence = ref(key, "PagingFiles")
    for entry in key.get_multi("PagingFiles"):
        match = _PAGING_ENTRY.match(entry)
        if not match or not match.group("path"):
            continue
        initial, maximum = match.group("initial"), match.group("maximum")
        out.append(PageFile(match.group("path"), int(initial) if initial else None,
                            int(maximum) if maximum else None, evidence))
    return out


def read_page_file_settings(cs: RegKey) -> PageFileSettings | None:
    key = cs.subkey(r"Control\Session Manager\Memory Management")
    if key is None:
        return None
    raw = key.get_multi("PagingFiles") if key.value("PagingFiles") is not None else None
    return PageFileSettings(raw, key.get_multi("ExistingPageFiles"), ref(key, "PagingFiles"))


def read_hibernation(cs: RegKey) -> Hibernation | None:
    key = cs.subkey(r"Control\Power")
    if key is None:
        return None
    enabled = key.get_int("HibernateEnabled")
    if enabled is None:
        enabled = key.get_int("HibernateEnabledDefault")  # Windows 10 keeps the default separately
    return Hibernation(enabled=None if enabled is None else bool(enabled),
                       file_size_percent=key.get_int("HiberFileSizePercent"), ref=ref(key))
