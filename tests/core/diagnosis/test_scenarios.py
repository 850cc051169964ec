"""The scenario matrix: every verdict, every other finding, every OS build boundary, GDR/LDR versions on
both sides of the fixed revision, missing-evidence combinations and contradictions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from core.diagnosis import diagnose
from core.diagnosis.knowledge import load_knowledge
from core.diagnosis.model import Outcome, Verdict
from core.drivers.model import Confidence, DriverKind
from core.dumps.model import IntegrityStatus
from core.evidence_ref import Missing, Problem
from core.registry.model import PageFile
from tests.core.diagnosis.evidence_builder import Scenario, dump_error, kernel_dump, restart

QUIET: list[Any] = []  # a timeline with no crash in it


@dataclass
class Case:
    name: str
    scenario: dict[str, Any]
    verdict: str
    reason: str | None
    confidence: set[str]
    evidence: list[str] = field(default_factory=list)  # substrings of the verdict's evidence items
    findings: list[str] = field(default_factory=list)  # finding ids that must be present
    outcome: Outcome = Outcome.PROBLEM
    steps: list[str] = field(default_factory=list)  # next-step ids that must be present
    missing: list[str] = field(default_factory=list)  # missing-evidence ids on the verdict
    secondary: dict[str, str] = field(default_factory=dict)  # other articles' verdict ids, by issue id
    headline_from: str | None = None  # the issue whose verdict headline is the diagnosis headline


# The known issue is settled in these, but the scenarios hold neither the free space nor the dump stack's
# set-up, either of which could stop the dump: readiness can't tell, and so the one-word answer (a "nothing
# wrong" would rest on them).
READINESS_UNKNOWN = Outcome.CANT_TELL

CASES = [
    Case("affected-7600-gdr", {}, "matches", None, {"high"},
         ["cvstor.sys", "6.1.7600.16385", "Stop 0x000000D1 while going into hibernation"],
         ["hibernation-on-affected", "restarts-without-dump", "recent-bugchecks"],
         steps=["install-hotfix", "restart", "disable-hibernation", "dump-type-wont-help"]),
    Case("affected-6002-gdr", {"build": 6002, "diskdump": "6.0.6002.18005"}, "matches", None, {"high"},
         ["6.0.6002.18005", "GDR"]),
    Case("6002-ldr-one-below-fixed", {"build": 6002, "diskdump": "6.0.6002.22587"}, "matches", None,
         {"high"}, ["6.0.6002.22587", "LDR"]),
    Case("6002-ldr-fixed", {"build": 6002, "diskdump": "6.0.6002.22588"}, "not-this-issue", "already-fixed",
         {"high"}, ["6.0.6002.22588"], outcome=Outcome.PROBLEM),
    Case("6003-with-6002-gdr-file", {"build": 6003, "diskdump": "6.0.6002.18005"}, "matches", None,
         {"high"}, ["6.0.6002.18005"]),
    Case("6003-ldr-inherits-fix", {"build": 6003, "diskdump": "6.0.6003.20489"}, "not-this-issue",
         "already-fixed", {"high"}, ["6.0.6003.20489"]),
    Case("7600-gdr-top-of-range", {"diskdump": "6.1.7600.20479"}, "matches", None, {"high"}, ["GDR"]),
    Case("7600-ldr-bottom-of-range", {"diskdump": "6.1.7600.20480"}, "matches", None, {"high"}, ["LDR"]),
    Case("7600-ldr-one-below-fixed", {"diskdump": "6.1.7600.20881"}, "matches", None, {"high"},
         ["6.1.7600.20881"]),
    Case("7600-ldr-fixed", {"diskdump": "6.1.7600.20882"}, "not-this-issue", "already-fixed", {"high"},
         ["6.1.7600.20882"]),
    Case("7600-ldr-newer", {"diskdump": "6.1.7600.21000"}, "not-this-issue", "already-fixed", {"high"}),
    Case("6001-needs-sp2", {"build": 6001, "diskdump": "6.0.6001.18000"}, "matches", None, {"high"},
         ["Service Pack 2"], steps=["install-sp2", "install-hotfix"]),
    Case("6000-cannot-hit", {"build": 6000, "diskdump": "6.0.6000.16386"}, "not-this-issue", "os-cannot-hit",
         {"high"}, ["Windows version"]),
    Case("7601-with-symptoms", {"build": 7601, "diskdump": "6.1.7601.17514"}, "not-this-issue",
         "os-fix-status-unknown", {"low"}, ["7601"], steps=["ask-about-sp1"]),
    Case("7601-quiet", {"build": 7601, "diskdump": "6.1.7601.17514", "timeline": QUIET, "hibernation": False},
         "not-this-issue", "os-fix-status-unknown", {"medium"}, outcome=READINESS_UNKNOWN),
    Case("9200-not-covered", {"build": 9200, "diskdump": "6.2.9200.16384", "timeline": QUIET},
         "not-this-issue", "os-not-covered", {"high"}, ["9200"], outcome=READINESS_UNKNOWN),
    Case("healthy-win10", {"build": 19041, "diskdump": "10.0.19041.1", "timeline": QUIET,
                           "miniport_kind": DriverKind.STORPORT_PHYSICAL, "miniport_name": "stornvme"},
         "not-this-issue", "os-not-covered", {"high"}, outcome=READINESS_UNKNOWN),
    Case("physical-boot-miniport", {"miniport_kind": DriverKind.STORPORT_PHYSICAL,
                                    "miniport_name": "lsi_sas", "timeline": QUIET},
         "not-this-issue", "no-virtual-miniport", {"high"}, ["lsi_sas.sys"], outcome=READINESS_UNKNOWN),
    Case("virtual-installed-not-boot", {"miniport_in_use": False, "extra_physical_boot": True},
         "not-this-issue", "no-virtual-miniport", {"high"}, ["does not serve the boot disk", "LSI_SAS"]),
    Case("at-risk-quiet-log", {"timeline": QUIET}, "at-risk", None, {"high"}, ["cvstor.sys"],
         ["hibernation-on-affected"], steps=["apply-only-if-affected", "install-hotfix"]),
    Case("at-risk-no-event-log", {"timeline": None, "hibernation": False}, "at-risk", None, {"low"},
         ["cvstor.sys"], missing=["event-log"]),
    Case("at-risk-other-crash", {"timeline": [restart(0x50, hibernating=False)]}, "at-risk", None,
         {"medium"}, ["cvstor.sys"], ["recent-bugchecks"]),
    Case("contradiction-dump-written-event", {"timeline": [restart(0xD1, dump_written=True)]},
         "not-this-issue", "dump-written", {"medium"}, ["a dump was written"]),
    Case("contradiction-dump-file", {"timeline": QUIET, "dumps": [kernel_dump(0xD1)]},
         "not-this-issue", "dump-written", {"medium"}, ["A crash dump was written"], ["recent-bugchecks"]),
    Case("other-cause-unknown-storage", {"drivers_inspected": False,
                                         "timeline": [restart(0x50, hibernating=False)]},
         # Another Stop code does not rule out the unread conditions: the verdict cannot rest on them.
         "cant-tell", "missing-evidence", {"low"}, ["0x00000050"], outcome=Outcome.PROBLEM,
         missing=["drivers"]),
    Case("hibernate-restart-no-code", {"timeline": [restart(0, hibernating=True)]}, "matches", None,
         {"medium"}, ["no Stop code recorded while going into hibernation"]),
    Case("dumps-disabled-0xd1-not-hibernating", {"crash_dump_enabled": 0,
                                                 "timeline": [restart(0xD1, hibernating=False)]},
         "at-risk", None, {"high"}, ["crash dumps were turned off"], ["dumps-disabled"]),
    Case("low-confidence-classification", {"miniport_confidence": Confidence.LOW}, "matches", None, {"low"},
         ["low confidence"]),
    Case("cant-tell-events-only", {"registry": False, "drivers_inspected": False,
                                   "missing": [Missing("system-hive", "No SYSTEM hive in this bundle.",
                                                       "Add registry/SYSTEM.")]},
         "cant-tell", "missing-evidence", {"low"}, outcome=Outcome.PROBLEM,
         missing=["software-hive", "system-hive"], steps=["add-system-hive"]),
    Case("cant-tell-diskdump-not-in-bundle", {"diskdump": None, "timeline": QUIET, "hibernation": False,
                                              "missing": [Missing("drivers", "No driver files.")]},
         "cant-tell", "missing-evidence", {"low"}, missing=["drivers"], outcome=Outcome.CANT_TELL),
    Case("cant-tell-miniport-file-missing", {"miniport_kind": DriverKind.UNKNOWN, "timeline": QUIET},
         "cant-tell", "missing-evidence", {"low"}, ["file not found"], ["boot-driver-missing"],
         missing=["drivers"]),
    Case("pagefile-missing", {"page_files": [PageFile("D:\\pagefile.sys", 512, 1024)], "timeline": QUIET,
                              "build": 9200, "diskdump": "6.2.9200.16384"},
         "not-this-issue", "os-not-covered", {"high"}, findings=["pagefile-missing"]),
    Case("pagefile-too-small", {"crash_dump_enabled": 1,
                                "page_files": [PageFile("C:\\pagefile.sys", 1024, 1024)],
                                "build": 9200, "diskdump": "6.2.9200.16384", "timeline": QUIET,
                                "dumps": [kernel_dump(0x50, ram_gb=4)]},
         "not-this-issue", "os-not-covered", {"high"}, findings=["pagefile-too-small", "recent-bugchecks"]),
    Case("pagefile-size-unknown-ram", {"crash_dump_enabled": 1, "build": 9200, "diskdump": "6.2.9200.16384",
                                       "page_files": [PageFile("C:\\pagefile.sys", 1024, 1024)],
                                       "timeline": QUIET},
         # Readiness can't tell whether the page file holds a complete dump (the RAM is not known): the
         # answer is "can't tell", not "no problem found".
         "not-this-issue", "os-not-covered", {"high"}, findings=["pagefile-size-unknown"],
         outcome=Outcome.CANT_TELL),
    Case("damaged-and-repeated-driver", {"build": 9200, "diskdump": "6.2.9200.16384", "timeline": QUIET,
                                         "dumps": [kernel_dump(0x50, status=IntegrityStatus.TRUNCATED),
                                                   kernel_dump(0x50, path="C:\\b.dmp")]},
         "not-this-issue", "os-not-covered", {"high"},
         findings=["dump-damaged", "repeated-crash-driver", "recent-bugchecks"]),
    Case("volmgr-and-unreadable", {"build": 9200, "diskdump": "6.2.9200.16384", "timeline": [dump_error()],
                                   "problems": [Problem("C:\\x.dmp", "truncated", step="dumps")]},
         "not-this-issue", "os-not-covered", {"high"}, findings=["dump-setup-errors", "unreadable-evidence"]),
    Case("diskdump-missing-offline", {"diskdump": None, "timeline": QUIET, "hibernation": False},
         "cant-tell", "missing-evidence", {"low"}, findings=["boot-driver-missing"], missing=["drivers"]),
    Case("affected-bundle-without-dumps", {"missing": [Missing("dumps", "No crash dump files in this bundle.",
                                                               "Add Windows\\Minidump\\*.dmp.")]},
         "matches", None, {"high"}, findings=["missing-evidence", "hibernation-on-affected"]),
    # Another article that cannot be told yet (KB 976746 needs the System log for its symptom) is listed,
    # never the headline, and never turns a settled primary verdict into "can't tell" (the real
    # SYSTEM_win7sp1 hive alone once said "can't tell yet" with KB 976746 first).
    Case("physical-boot-miniport-no-log", {"miniport_kind": DriverKind.STORPORT_PHYSICAL,
                                           "miniport_name": "lsi_sas", "timeline": None},
         "not-this-issue", "no-virtual-miniport", {"high"}, ["lsi_sas.sys"], outcome=READINESS_UNKNOWN,
         secondary={"diskdump-hibernation-0xa": "cant-tell"}),
    # Another article that matches is shown in full and makes the outcome a problem, its headline the
    # answer; the primary verdict is still `verdict` (JSON verdict.id), first in the list.
    Case("secondary-article-matches",
         {"miniport_kind": DriverKind.STORPORT_PHYSICAL, "miniport_name": "lsi_sas",
          "timeline": [restart(0xA, hibernating=True)]},
         "not-this-issue", "no-virtual-miniport", {"high"}, ["lsi_sas.sys"], ["hibernation-on-affected"],
         outcome=Outcome.PROBLEM, secondary={"diskdump-hibernation-0xa": "matches"},
         headline_from="diskdump-hibernation-0xa"),
    Case("nothing-readable", {"registry": False, "drivers_inspected": False, "timeline": None,
                              "problems": [Problem("C:\\SYSTEM", "permission denied", step="registry")]},
         "cant-tell", "missing-evidence", {"low"}, findings=["unreadable-evidence"],
         outcome=Outcome.UNREADABLE),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scenario(case: Case) -> None:
    diag = diagnose(Scenario(**case.scenario).build_evidence())
    v = diag.verdict
    assert v.id.value == case.verdict, v.explanation
    assert v.reason == case.reason
    assert v.confidence.level.value in case.confidence, v.confidence.why
    assert v.confidence.why
    texts = " | ".join(e.text for e in v.evidence)
    for wanted in case.evidence:
        assert wanted in texts, f"{wanted!r} not in {texts}"
    found = {f.id for f in diag.findings}
    for wanted in case.findings:
        assert wanted in found, f"{wanted} not in {found}"
    step_ids = [s.id for s in v.next_steps]
    for wanted in case.steps:
        assert wanted in step_ids
    missing_ids = [m.what for m in v.missing]
    for wanted in case.missing:
        assert wanted in missing_ids
        assert all(m.how_to_get for m in v.missing)
    assert diag.outcome is case.outcome, [(f.id, f.severity) for f in diag.findings]
    # The primary known issue (the tool's own) is always the verdict shown first, whatever the others say.
    primary = load_knowledge().primary.id
    assert v.issue_id == primary and diag.verdicts[0] is v
    assert next(x for x in diag.all_verdicts if isinstance(x, Verdict)) is v
    others = {x.issue_id: x for x in diag.verdicts[1:]}
    for issue_id, wanted in case.secondary.items():
        assert others[issue_id].id.value == wanted
        # shown in full only when it applies, else listed in one line
        assert others[issue_id].prominent is others[issue_id].is_problem
    if case.headline_from:
        assert diag.headline == others[case.headline_from].headline
    elif not any(x.is_problem for x in diag.verdicts[1:]):
        assert all(x.headline != diag.headline for x in diag.verdicts[1:])


def test_matrix_covers_every_verdict_and_finding() -> None:
    verdicts = {c.verdict for c in CASES}
    assert verdicts == {"matches", "at-risk", "not-this-issue", "cant-tell"}
    findings = {f for c in CASES for f in c.findings}
    from core.diagnosis import findings as module

    produced = {f.id for c in CASES for f in diagnose(Scenario(**c.scenario).build_evidence()).findings}
    assert findings <= produced
    assert {"dumps-disabled", "pagefile-missing", "pagefile-too-small", "dump-damaged", "recent-bugchecks",
            "repeated-crash-driver", "boot-driver-missing", "hibernation-on-affected",
            "unreadable-evidence", "dump-setup-errors", "restarts-without-dump"} <= produced
    # Every check the engine runs fires in at least one scenario: a check broken into never
    # reporting anything fails here (counting the list could not see that).
    evidences = [Scenario(**c.scenario).build_evidence() for c in CASES]
    for check in module.CHECKS:
        assert any(check(ev, diagnose(ev).verdicts) for ev in evidences), check.__name__


def test_matches_next_steps_carry_the_article_link_and_no_invented_kb() -> None:
    v = diagnose(Scenario().build_evidence()).verdict
    hotfix = next(s for s in v.next_steps if s.id == "install-hotfix")
    assert hotfix.link and hotfix.link.startswith("https://support.microsoft.com/")
    assert "virtual storport miniport" in hotfix.detail
    assert "6.1.7600.20882" in hotfix.detail
    assert "KB" not in " ".join(s.title + s.detail for s in v.next_steps)
    assert next(s for s in v.next_steps if s.id == "disable-hibernation").command == "powercfg -h off"


def test_evidence_items_point_at_their_sources() -> None:
    v = diagnose(Scenario().build_evidence()).verdict
    locations = {e.ref.location for e in v.evidence if e.ref}
    assert r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\CurrentBuildNumber" in locations
    assert r"C:\Windows\System32\drivers\diskdump.sys" in locations
    assert any(loc.startswith("System.evtx #") for loc in locations)


def test_at_risk_says_the_article_asks_to_apply_only_when_affected() -> None:
    v = diagnose(Scenario(timeline=[]).build_evidence()).verdict
    assert "only" in v.explanation and "affected" in v.explanation


def test_a_file_read_whole_despite_a_note_is_not_called_unreadable() -> None:
    """The real Server 2012 R2 log has a dirty header yet every record is read (an info note); a dirty
    hive whose logs were replayed is read whole too. Neither is "Some evidence could not be read"
    (the hive alone gave "... could not be read (0 files)")."""
    from core.evidence_ref import Severity

    note = Problem("System.evtx", "dirty header: 247 chunks hold records but the header counts 10; every "
                   "chunk with a valid signature was read", Severity.INFO, "events")
    ev = Scenario(problems=[note]).build_evidence()
    assert ev.registry is not None
    ev.registry.hive_notes.append("SYSTEM: dirty hive; transaction logs replayed (SYSTEM.LOG1, SYSTEM.LOG2)")
    findings = diagnose(ev).findings
    assert "unreadable-evidence" not in [f.id for f in findings]
    (notes,) = [f for f in findings if f.id == "evidence-read-notes"]
    assert "could not be read" not in notes.headline
    assert "dirty header" in " ".join(i.text for i in notes.evidence)


def test_unreadable_evidence_counts_files_not_problems() -> None:
    ev = Scenario(problems=[Problem("System.evtx", "1326 records could not be read", step="events"),
                            Problem("System.evtx", "the file is truncated", step="events")]).build_evidence()
    (finding,) = [f for f in diagnose(ev).findings if f.id == "unreadable-evidence"]
    assert finding.headline.startswith("Some evidence could not be read (1 file")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_article_that_does_not_apply_never_changes_the_answer(case: Case) -> None:
    # Matrix-wide: with the secondary articles left out of the knowledge, the outcome and headline are the
    # same unless one of them applies (then it is a problem, and its headline leads).
    from core.diagnosis.knowledge import Knowledge

    full = load_knowledge()
    only_primary = Knowledge(full.version, [full.primary])
    ev = Scenario(**case.scenario).build_evidence()
    with_all, alone = diagnose(ev, full), diagnose(Scenario(**case.scenario).build_evidence(), only_primary)
    assert with_all.verdict.id is alone.verdict.id
    if not any(v.is_problem for v in with_all.verdicts if not v.primary):
        assert (with_all.outcome, with_all.headline) == (alone.outcome, alone.headline)
    else:
        assert with_all.outcome is Outcome.PROBLEM


def test_a_log_with_lost_records_does_not_say_no_crash_was_recorded() -> None:
    """A SYSTEM hive and its own System log cut short (14 of 18 records lost): "[no] Crash with Stop 0xD1
    and no dump written: No crash with this signature is recorded" was said of records never read."""
    ev = Scenario(timeline=QUIET).build_evidence()
    assert ev.timeline is not None
    symptom = next(c for c in diagnose(ev).verdict.conditions if c.id == "symptom")
    assert symptom.state.value == "no"  # every record read, none is a crash: a real "no"
    ev.timeline.unreadable_records = 14
    symptom = next(c for c in diagnose(ev).verdict.conditions if c.id == "symptom")
    assert symptom.state.value == "unknown"
    assert "14" in symptom.text and "could not be read" in symptom.text
