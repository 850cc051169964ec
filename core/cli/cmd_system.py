"""`dumpdoctor system [SOURCE...] [--json]`: what Windows this is and how it is set up to write dumps.

When the files come from several computers, each gets its own section (the text) and its own object in
`machines` (the JSON; its top level stays the first computer's, as `scan --json` does). Dumps and System
logs are read too: they tell the computers apart, and they are how the Windows version is known when no
SOFTWARE hive was given — the same derivation as the scan (core.osversion), naming its source.

Exit codes: 0 the configuration was read; 3 no registry evidence could be read; 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli.common import (
    add_json_argument,
    add_source_argument,
    computer_heading,
    computers,
    computers_notice,
    format_problems,
    print_json,
    whole_source,
    with_source,
)
from core.cli.main import EXIT_OK, EXIT_UNREADABLE
from core.evidence import Evidence
from core.examine import examine
from core.registry.model import CrashControl, RegistryFacts, SystemFacts
from core.sources.base import EvidenceSource

_REGISTRY_MISSING = {"system-hive", "software-hive", "admin"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("system", help="show the Windows version and its crash dump settings",
                       description="Show the Windows version, edition, architecture and how it is set "
                                   "up to write crash dumps (CrashControl, page files, hibernation).")
    add_source_argument(p)
    add_json_argument(p)
    p.set_defaults(func=run)


def _crash_control_lines(cc: CrashControl) -> list[str]:
    def mark(value_name: str) -> str:
        return " (default: value absent)" if value_name in cc.defaults_used else ""

    rows: list[tuple[str, str, object]] = [
        ("CrashDumpEnabled", "Dump type", f"{cc.crash_dump_enabled} ({cc.dump_type_name})"),
        ("DumpFile", "Dump file", cc.dump_file),
        ("MinidumpDir", "Minidump folder", cc.minidump_dir),
        ("AutoReboot", "Restart after a crash", cc.auto_reboot),
        ("Overwrite", "Overwrite the dump file", cc.overwrite),
        ("LogEvent", "Log an event", cc.log_event),
        ("MinidumpsCount", "Minidumps kept", cc.minidumps_count),
        ("DedicatedDumpFile", "Dedicated dump file", cc.dedicated_dump_file),
        ("DumpFileSize", "Dump file size (MB)", cc.dump_file_size_mb),
        ("IgnorePagefileSize", "Ignore page file size", cc.ignore_pagefile_size),
        ("AlwaysKeepMemoryDump", "Always keep MEMORY.DMP", cc.always_keep_memory_dump),
    ]
    lines = ["Crash dump settings (CrashControl):"]
    for value_name, label, value in rows:
        if value is None and value_name not in cc.defaults_used:
            continue
        lines.append(f"  {label + ':':26} {value if value is not None else '-'}{mark(value_name)}")
    if cc.dump_filters:
        lines.append(f"  {'Dump filters:':26} {', '.join(cc.dump_filters)}")
    if cc.ref is not None:
        lines.append(f"  (read from {cc.ref})")
    return lines


def _version_source(ev: Evidence) -> list[str]:
    """Where the version came from (when not the SOFTWARE hive the registry lines already cite), and
    what other sources said that disagrees."""
    version = ev.os_version
    if version is None:
        return []
    lines = []
    if version.chosen.source != "the SOFTWARE hive":
        ref = version.chosen.ref
        shown = f" ({ref})" if ref is not None and ref.location not in version.chosen.source else ""
        lines.append(f"Version from:      {version.chosen.source}{shown}")
    lines += [f"Sources disagree:  {c}" for c in version.contradictions]
    return lines


def _architecture(ev: Evidence) -> str | None:
    return next((d.machine for d in ev.dumps if d.machine), None)


def _without_registry(ev: Evidence) -> list[str]:
    """What the other evidence says of a computer no registry was given for: its version (as the scan
    derives it) and what it ran on; the dump settings stay unknown."""
    version = ev.os_version
    if version is None:
        return ["No registry evidence: the Windows version and dump settings are unknown."]
    names = ev.machine.names if ev.machine is not None else []
    return [
        f"Version:           {version.chosen.text}",
        *_version_source(ev),
        f"Architecture:      {_architecture(ev) or 'unknown'}",
        f"Computer name:     {names[0] if names else 'unknown'}",
        "No registry evidence: the dump settings (CrashControl, page files, hibernation) are unknown.",
    ]


def system_text(facts: RegistryFacts | None, ev: Evidence | None = None) -> list[str]:
    if facts is None:
        return _without_registry(ev) if ev is not None else [
            "No registry evidence: the Windows version and dump settings are unknown."]
    lines: list[str] = []
    s = facts.system
    if s is not None:
        sp = s.csd_version or (f"Service Pack {s.service_pack}" if s.service_pack else "no service pack")
        kind = "server" if s.is_server else ("client" if s.is_server is False else "unknown kind")
        lines += [
            f"Operating system:  {s.product_name or 'unknown'}",
            f"Version:           {s.version_text} ({sp})",
            f"Edition:           {s.edition or 'unknown'} ({s.installation_type or kind})",
            f"Architecture:      {s.architecture or 'unknown'}",
            f"Computer name:     {s.computer_name or 'unknown'}",
            f"Control set:       {s.control_set or 'unknown'}",
        ]
        if ev is not None:
            lines[2:2] = _version_source(ev)
    else:
        lines.append("Operating system:  unknown (no SOFTWARE evidence)")
    if facts.crash_control is not None:
        lines += _crash_control_lines(facts.crash_control)
    else:
        lines.append("Crash dump settings: not found (no CrashControl key)")
    if facts.page_files:
        lines.append("Page files:")
        for pf in facts.page_files:
            size = "system managed" if pf.system_managed else f"{pf.initial_mb}–{pf.maximum_mb} MB"
            lines.append(f"  {pf.path} ({size})")
    else:
        lines.append("Page files:        none configured (a kernel dump needs one on the boot volume)")
    if facts.hibernation is not None:
        hib = facts.hibernation
        state = {True: "enabled", False: "disabled", None: "unknown"}[hib.enabled]
        pct = f", hiberfile {hib.file_size_percent}% of RAM" if hib.file_size_percent is not None else ""
        lines.append(f"Hibernation:       {state}{pct}")
    if facts.hive_notes:
        lines.append("Registry notes:")
        lines.extend(f"  - {n}" for n in facts.hive_notes)
    return lines


def _system_facts(ev: Evidence) -> SystemFacts | None:
    """The registry's SystemFacts, or — with no registry — what the scan's version derivation gives."""
    if ev.registry is not None:
        return ev.registry.system
    version = ev.os_version
    if version is None:
        return None
    names = ev.machine.names if ev.machine is not None else []
    return SystemFacts(major=version.chosen.major, minor=version.chosen.minor, build=version.chosen.build,
                       architecture=_architecture(ev), computer_name=names[0] if names else None,
                       refs=[version.chosen.ref] if version.chosen.ref is not None else [])


def system_json(ev: Evidence) -> dict[str, Any]:
    facts = ev.registry
    return {
        "source": ev.source_description,
        "source_kind": ev.source_kind,
        "system": _system_facts(ev),
        "os_version": ev.os_version,
        "crash_control": facts.crash_control if facts else None,
        "page_files": facts.page_files if facts else [],
        "hibernation": facts.hibernation if facts else None,
        "hive_notes": facts.hive_notes if facts else [],
        "problems": ev.problems,
        "missing": [m for m in ev.missing if m.what in _REGISTRY_MISSING],
    }


def _machine_json(ev: Evidence) -> dict[str, Any]:
    return system_json(ev) | {"label": ev.machine.label if ev.machine else None}


def run(args: argparse.Namespace) -> int:
    def body(source: EvidenceSource) -> int:
        # Dumps and logs too: they tell the computers apart and give the version without a SOFTWARE hive.
        ev = examine(source, steps=("registry", "dumps", "events"), with_diagnosis=False).evidence
        each = computers(ev)
        several = len(each) > 1
        if args.json:
            print_json(system_json(ev) | {"machines": [_machine_json(m) for m in each] if several else []})
        else:
            print(f"Source: {whole_source(ev)}")
            for line in computers_notice(each):
                print(line)
            for n, machine in enumerate(each, 1):
                if several:
                    print("\n".join(computer_heading(machine, n, len(each))))
                print("\n".join(system_text(machine.registry, machine)))
                tail = format_problems(machine.problems,
                                       [m for m in machine.missing if m.what in _REGISTRY_MISSING])
                if tail:
                    print("\n".join(["", *tail]))
        sys.stdout.flush()
        return EXIT_OK if any(m.registry is not None for m in each) else EXIT_UNREADABLE

    return with_source(args, body)
