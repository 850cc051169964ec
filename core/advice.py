"""How the user can supply evidence that was missing: the one table every source, the scan and the
diagnosis take their advice from (Missing.how_to_get). Where a piece of evidence lives on Windows is
written once here; each kind of source only chooses the way to get it (add the file to a bundle, copy
it into the Windows folder, run as administrator)."""

from __future__ import annotations

# Where each piece of evidence (by Missing.what id) lives on a Windows machine.
WHERE: dict[str, str] = {
    "system-hive": "Windows\\System32\\config\\SYSTEM (or a `reg export` of HKLM\\SYSTEM keys)",
    "software-hive": "Windows\\System32\\config\\SOFTWARE (or a `reg export` of HKLM\\SOFTWARE\\Microsoft"
                     "\\Windows NT\\CurrentVersion)",
    "event-log": "Windows\\System32\\winevt\\Logs\\System.evtx",
    "drivers": "Windows\\System32\\drivers (diskdump.sys, crashdmp.sys and the boot disk's miniport)",
    "dumps": "Windows\\Minidump\\*.dmp (and MEMORY.DMP if any)",
}

RUN_AS_ADMIN = "Run Dump Doctor as administrator (right-click → Run as administrator)."

# Default advice per Missing.what id, for the diagnosis when a source gave none of its own.
HOW_TO_GET: dict[str, str] = {
    "system-hive": "Add the SYSTEM registry hive (Windows\\System32\\config\\SYSTEM) or a `reg export` "
                   "of HKLM\\SYSTEM, or run Dump Doctor on the machine itself as administrator.",
    "software-hive": "Add the SOFTWARE hive (Windows\\System32\\config\\SOFTWARE) or a `reg export` of "
                     "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion so the Windows version is known.",
    "event-log": "Add the System event log (Windows\\System32\\winevt\\Logs\\System.evtx), or run the "
                 "collector, which exports the relevant System events.",
    "drivers": "Add the storage driver files (Windows\\System32\\drivers\\diskdump.sys, crashdmp.sys, "
               "storport.sys and the disk controller's driver), or run as administrator.",
    "dumps": "Add the crash dump files (Windows\\MEMORY.DMP and Windows\\Minidump\\*.dmp) if any exist.",
    "admin": "Run Dump Doctor as administrator so it can read the registry, event log and driver files.",
}


def add_or_collect(what: str) -> str:
    """For evidence handed over as files (a bundle, loose files, what the scan could not use)."""
    return f"add {WHERE[what]}, or run the collector on that machine"


def copy_into_windows_folder(what: str) -> str:
    """For an offline Windows folder that lacks a file: the whole volume holds it."""
    return f"point Dump Doctor at the root of the Windows volume, or copy {WHERE[what]} into it"


def with_advice(message: str, how_to_get: str) -> str:
    """"No SYSTEM hive among the files chosen." + "add Windows\\...": one text of whole sentences (the
    advice is written to follow a dash or sit in brackets, so it starts in lower case)."""
    how = how_to_get.strip()
    if not how:
        return message
    how = how[0].upper() + how[1:]
    return f"{message} {how}" + ("" if how.endswith((".", "!", "?")) else ".")
