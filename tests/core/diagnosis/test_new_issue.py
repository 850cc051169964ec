"""Adding another known issue is a data entry plus at most one small predicate (issue #15): the new
issue's verdict reaches the JSON, text and HTML reports, shown in full when it applies and listed in one
line when it does not; the primary issue stays `verdict`."""

from __future__ import annotations

import json

import jsonschema

from core.diagnosis import diagnose
from core.diagnosis.model import Outcome, VerdictId
from core.report import render_html, render_json, render_text
from core.resources import resource_path
from core.wizard.present import verdict_views
from tests.core.diagnosis.evidence_builder import Scenario
from tests.core.diagnosis.new_issue import ENTRY, ISSUE_ID, knowledge_with_new_issue


def _with_filters(filters: list[str]):  # type: ignore[no-untyped-def]
    ev = Scenario(build=9200, diskdump="6.2.9200.16384", timeline=[]).build_evidence()
    assert ev.registry is not None and ev.registry.crash_control is not None
    ev.registry.crash_control.dump_filters = filters
    return ev


def test_a_new_issue_that_applies_is_shown_in_full_everywhere() -> None:
    ev = _with_filters(["dumpfve.sys", "exfilter.sys"])
    diag = diagnose(ev, knowledge_with_new_issue())
    new = next(v for v in diag.verdicts if v.issue_id == ISSUE_ID)
    assert new.id is VerdictId.MATCHES and new.prominent and not new.primary
    assert diag.verdict.issue_id == "virtual-storport-dump-0xd1"  # the primary stays first
    assert diag.outcome is Outcome.PROBLEM and diag.headline == ENTRY["wording"]["matches"]["headline"]

    data = render_json(diag, ev)
    schema = json.loads(resource_path("report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(data)), schema)
    assert data["verdict"]["issue_id"] == "virtual-storport-dump-0xd1" and data["verdict"]["primary"]
    assert data["evidence"]["storage"]["diskdump"] == next(
        f for f in data["evidence"]["storage"]["dump_stack_files"] if f["file_name"] == "diskdump.sys")
    assert ISSUE_ID in [v["issue_id"] for v in data["verdicts"]]
    assert any(v.get("issue_id") == ISSUE_ID and v["is_problem"] for v in data["all_verdicts"])
    text = render_text(diag, ev)
    assert "Another known issue: Matches this known issue" in text
    assert "Remove exfilter.sys from DumpFilters" in text or ENTRY["title"] in text
    html = render_html(diag, ev)
    assert f'id="verdict-{ISSUE_ID}"' in html and 'data-verdict="matches"' in html
    views = verdict_views(diag)
    assert any(v.headline == ENTRY["wording"]["matches"]["headline"] and not v.brief for v in views)


def test_a_new_issue_that_does_not_apply_is_listed_in_one_line() -> None:
    ev = _with_filters(["dumpfve.sys"])
    diag = diagnose(ev, knowledge_with_new_issue())
    new = next(v for v in diag.verdicts if v.issue_id == ISSUE_ID)
    assert new.id is VerdictId.NOT_THIS_ISSUE and not new.prominent
    assert diag.outcome is diagnose(ev).outcome  # an issue that does not apply changes no answer
    text = render_text(diag, ev)
    listed = " ".join(text[text.index("Other known issues checked"):].split())
    assert f"{ENTRY['title']}: Not this known issue." in listed
    assert f'<li id="verdict-{ISSUE_ID}" data-verdict="not-this-issue">' in render_html(diag, ev)
    assert [v.brief for v in verdict_views(diag)][-1] is True


def test_a_new_issue_that_cannot_be_told_names_what_its_condition_needs() -> None:
    ev = Scenario(registry=False, drivers_inspected=False).build_evidence()
    diag = diagnose(ev, knowledge_with_new_issue())
    new = next(v for v in diag.verdicts if v.issue_id == ISSUE_ID)
    assert new.id is VerdictId.CANT_TELL and [m.what for m in new.missing] == ["system-hive"]


def test_the_hibernation_finding_is_tied_to_the_issue_hibernating_triggers() -> None:
    # Hibernation is on; the new issue applies but its data does not say hibernating triggers it.
    ev = _with_filters(["exfilter.sys"])
    assert ev.registry is not None and ev.registry.hibernation is not None and ev.registry.hibernation.enabled
    diag = diagnose(ev, knowledge_with_new_issue())
    assert any(v.issue_id == ISSUE_ID and v.is_problem for v in diag.verdicts)
    assert "hibernation-on-affected" not in {f.id for f in diag.findings}
    assert diag.readiness is not None
    hib = next(c for c in diag.readiness.checks if c.id == "hibernation-path")
    assert hib.state.value == "yes"


def test_the_hibernation_finding_names_the_issue_it_is_about() -> None:
    from core.drivers.model import DriverKind
    from tests.core.diagnosis.evidence_builder import restart

    # KB 976746 (secondary, hibernating triggers it) applies; the primary issue does not.
    ev = Scenario(miniport_kind=DriverKind.STORPORT_PHYSICAL, miniport_name="lsi_sas",
                  timeline=[restart(0xA, hibernating=True)]).build_evidence()
    diag = diagnose(ev)
    finding = next(f for f in diag.findings if f.id == "hibernation-on-affected")
    assert "KB 976746" in finding.explanation and "virtual" not in finding.explanation.lower()
