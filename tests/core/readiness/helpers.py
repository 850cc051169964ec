"""Scan a generated bundle or offline root through the real readers and diagnose it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.diagnosis import diagnose
from core.diagnosis.model import ConditionState, Diagnosis
from core.evidence import Evidence
from core.readiness.model import ReadinessCheck, ReadinessVerdict
from core.scan import scan
from core.sources import open_source
from tests.builders.events import Ev, write_export
from tests.builders.offline_root import Machine, write_bundle_folder
from tests.builders.windows_versions import write_readiness_files

YES, NO, UNKNOWN = ConditionState.YES, ConditionState.NO, ConditionState.UNKNOWN


def scan_bundle(folder: Path, machine: Machine, events: list[Ev] | None = None,
                **readiness_files: Any) -> tuple[Evidence, Diagnosis]:
    write_bundle_folder(folder, machine)
    if events:
        (folder / "events").mkdir(exist_ok=True)
        write_export(folder / "events" / "System.xml", events)
    if readiness_files:
        write_readiness_files(folder, **readiness_files)
    with open_source(str(folder)) as source:
        evidence = scan(source)
    return evidence, diagnose(evidence)


def readiness(diag: Diagnosis) -> ReadinessVerdict:
    assert diag.readiness is not None
    return diag.readiness


def check(diag: Diagnosis, check_id: str) -> ReadinessCheck:
    found = readiness(diag).check(check_id)
    assert found is not None, check_id
    return found
