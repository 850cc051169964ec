"""The diagnosis as JSON with a versioned schema (docs/report-schema.md, resources/report.schema.json).

Bump SCHEMA_VERSION when a field changes meaning or is removed; adding fields keeps the version.
`verdict.id` values are stable: fleet scripts key on them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.diagnosis.model import Diagnosis, Finding, Verdict
from core.evidence import Evidence
from core.jsonutil import iso_utc, to_jsonable
from core.readiness.model import ReadinessVerdict
from core.version import __version__

SCHEMA_VERSION = 1


def _verdict(v: Verdict) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(v)
    data["is_problem"] = v.is_problem
    return data


def readiness_json(r: ReadinessVerdict | None) -> dict[str, Any] | None:
    """The readiness verdict as the report and `dumpdoctor readiness --json` give it."""
    if r is None:
        return None
    data: dict[str, Any] = to_jsonable(r)
    data["is_problem"] = r.is_problem
    data["exit_code"] = r.exit_code
    return data


def _summary(v: Verdict | ReadinessVerdict) -> dict[str, Any]:
    if isinstance(v, Verdict):
        return {"kind": "known-issue", "id": v.id.value, "issue_id": v.issue_id, "headline": v.headline,
                "is_problem": v.is_problem}
    return {"kind": v.kind, "id": v.id.value, "headline": v.headline, "is_problem": v.is_problem}


def _finding(f: Finding) -> dict[str, Any]:
    result: dict[str, Any] = to_jsonable(f)
    return result


def _evidence(ev: Evidence) -> dict[str, Any]:
    reg = ev.registry
    return {
        "system": to_jsonable(reg.system) if reg else None,
        "crash_control": to_jsonable(reg.crash_control) if reg else None,
        "page_files": to_jsonable(reg.page_files) if reg else [],
        "hibernation": to_jsonable(reg.hibernation) if reg else None,
        "hive_notes": list(reg.hive_notes) if reg else [],
        "dumps": to_jsonable(ev.dumps),
        "storage": to_jsonable(ev.storage),
        "timeline": to_jsonable(ev.timeline),
        "loaded_dump_modules": ev.loaded_dump_modules,
        "elevated": ev.elevated,
        "os_version": to_jsonable(ev.os_version),
        "volume_facts": to_jsonable(ev.volume_facts),
    }


def _machine(ev: Evidence) -> dict[str, Any] | None:
    m = ev.machine
    if m is None:
        return None
    return {"label": m.label, "names": m.names, "notes": list(m.notes),
            "pieces": [{"file": p.label, "kind": p.kind, "names": p.names, "build": p.build,
                        "architecture": p.architecture, "claims": to_jsonable(p.claims)} for p in m.pieces]}


def render_json(diag: Diagnosis, ev: Evidence, *, generated_at: datetime | None = None) -> dict[str, Any]:
    """The top level describes the only computer; with files from several, `machines` holds one full
    report per computer, the top level's verdict and readiness are the most serious over them (named by
    `verdict_from` / `readiness_from`) and its evidence is the first computer's."""
    data = _render_one(diag, ev, generated_at)
    data["machines"] = [_render_one(m.diagnosis, m.evidence, generated_at) | {"label": m.label}
                        for m in diag.machines]
    if diag.machines:
        # The whole's verdict and readiness are the most serious over the computers (core.diagnosis.engine):
        # say whose they are.
        data["verdict_from"] = diag.whose(diag.verdict)
        data["readiness_from"] = diag.whose(diag.readiness) if diag.readiness is not None else None
    return data


def _render_one(diag: Diagnosis, ev: Evidence, generated_at: datetime | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "Dump Doctor", "version": __version__},
        "knowledge_version": diag.knowledge_version,
        "generated_at": iso_utc(generated_at or datetime.now(UTC)),
        "source": {"description": ev.whole_source_description, "kind": ev.source_kind,
                   "scanned_at": iso_utc(ev.scanned_at) if ev.scanned_at else None},
        "outcome": diag.outcome.value,
        "exit_code": diag.exit_code,
        "headline": diag.headline,
        "verdict": _verdict(diag.verdict),
        "verdicts": [_verdict(v) for v in diag.verdicts],
        "all_verdicts": [_summary(v) for v in diag.all_verdicts],
        "readiness": readiness_json(diag.readiness),
        "findings": [_finding(f) for f in diag.findings],
        "problems": to_jsonable(ev.problems),
        "missing": to_jsonable(ev.missing),
        "evidence": _evidence(ev),
        "machine": _machine(ev),
    }
