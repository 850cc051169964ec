"""Reports: the answer first, hostile strings escaped, JSON valid against the published schema."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest

from core.diagnosis import diagnose
from core.evidence_ref import Problem
from core.report import SCHEMA_VERSION, render_html, render_json, render_text
from core.resources import resource_path
from tests.core.diagnosis.evidence_builder import Scenario, kernel_dump
from tests.core.diagnosis.test_scenarios import CASES

HOSTILE = '<script>alert("x")</script>\x1b[31m&"\'<img src=x onerror=1>'
LINK = "https://support.microsoft.com/en-us/servicing/os/windows/2017/01/stop-error-on-a-computer"


def hostile_evidence():  # type: ignore[no-untyped-def]
    scenario = Scenario(miniport_name="evil" + HOSTILE.replace("\\", ""),
                        dumps=[kernel_dump(0x50, path="C:\\" + HOSTILE, driver=HOSTILE)],
                        problems=[Problem(HOSTILE, HOSTILE, step="dumps")])
    ev = scenario.build_evidence()
    ev.source_description = HOSTILE
    return ev


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs


def test_html_escapes_hostile_strings_and_keeps_the_link() -> None:
    ev = hostile_evidence()
    page = render_html(diagnose(ev), ev)
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert not any(name.startswith("on") for name, _ in parser.attrs)
    assert "\x1b" not in page
    assert "&lt;script&gt;" in page
    assert LINK in page


def test_html_is_self_contained_and_answers_first() -> None:
    ev = Scenario().build_evidence()
    page = render_html(diagnose(ev), ev)
    assert not re.search(r"<(script|link|iframe)\b", page)
    assert not re.search(r"src=[\"']?https?:", page)
    assert "@media print" in page
    # the verdict comes before the technical appendix
    assert page.index("Matches this known issue") < page.index("Technical details")
    assert 'data-verdict="matches"' in page
    assert "powercfg -h off" in page


def test_text_report_is_readable_and_free_of_terminal_escapes() -> None:
    ev = hostile_evidence()
    text = render_text(diagnose(ev), ev)
    assert "\x1b" not in text
    first = text.splitlines()[:12]
    assert any("Matches this known issue" in line for line in first)
    assert LINK in text
    assert "What to do" in text and "Install the hotfix" in text


@pytest.fixture(scope="module")
def schema() -> dict:  # type: ignore[type-arg]
    return json.loads(resource_path("report.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES[::3], ids=[c.name for c in CASES[::3]])
def test_json_validates_against_schema(case, schema) -> None:  # type: ignore[no-untyped-def]
    ev = Scenario(**case.scenario).build_evidence()
    diag = diagnose(ev)
    data = render_json(diag, ev)
    jsonschema.validate(json.loads(json.dumps(data)), schema)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["verdict"]["id"] == case.verdict
    # The CLI's documented exit codes, written out here rather than read back from the product.
    assert data["exit_code"] == {"ok": 0, "problem": 1, "unreadable": 3, "cant-tell": 4}[case.outcome.value]


def test_schema_rejects_an_unknown_verdict_id(schema) -> None:  # type: ignore[no-untyped-def]
    ev = Scenario().build_evidence()
    data = json.loads(json.dumps(render_json(diagnose(ev), ev)))
    data["verdict"]["id"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_hostile_json_round_trips(schema) -> None:  # type: ignore[no-untyped-def]
    ev = hostile_evidence()
    text = json.dumps(render_json(diagnose(ev), ev))
    data = json.loads(text)
    jsonschema.validate(data, schema)
    assert data["source"]["description"] == HOSTILE


def test_text_report_lists_each_unreadable_file_with_its_whole_reason() -> None:
    """The "Files that could not be read" table cut the reason at 60 characters without a mark, so a
    truncated System log showed only the start of "1326 records could not be read (chunk 1 is cut ..."."""
    reason = ("1326 records could not be read (chunk 1 is cut short; 1143 more records are in chunks "
              "past the end of the file), so crashes in that part of the log cannot be seen")
    ev = Scenario(problems=[Problem("/evidence/logs/System.evtx", reason, step="events")]).build_evidence()
    text = render_text(diagnose(ev), ev)
    section = text[text.index("Files that could not be read"):]
    assert " ".join(section.split()).count(reason) == 1
    assert "/evidence/logs/System.evtx" in section


def test_advice_for_missing_evidence_reads_as_sentences() -> None:
    """"No System event log (.evtx or XML export) among the files chosen. add Windows\\...": the advice
    began in lower case after a full stop in the text report and in the missing-evidence finding."""
    from core.evidence_ref import Missing

    ev = Scenario(missing=[Missing("event-log", "No System event log among the files chosen.",
                                   "add Windows\\System32\\winevt\\Logs\\System.evtx, or run the collector"),
                           Missing("dumps", "No crash dump files among the files chosen.",
                                   "add Windows\\Minidump\\*.dmp, or run the collector")]).build_evidence()
    diag = diagnose(ev)
    text = render_text(diag, ev)
    flat = " ".join(text.split())
    assert ". add " not in flat
    assert "chosen. Add Windows\\Minidump\\*.dmp, or run the collector." in flat


def test_a_cell_cut_to_its_column_says_so() -> None:
    """The crash list cut "/tmp/.../triage_x64_19041.dmp" to "...triage_x64_19041.dm" with no mark."""
    from core.report.common import aligned_columns

    long = "/evidence/" + "x" * 60 + "/triage_x64_19041.dmp"
    _header, row = aligned_columns([["File", "State"], [long, "complete"]], cap=60)
    assert row.split("  ")[0].endswith("\u2026") and len(row.split("  ")[0]) == 60
    assert aligned_columns([["a", "b"], ["short", "ok"]], cap=60)[1] == "short  ok"


def test_the_reports_driver_table_says_in_use_as_the_wizard_and_csv_do() -> None:
    """The real Windows 7 hive: atapi and LSI_SAS were both "In dump path: yes" while the report said the
    boot disk is on one of them; the column was "in use" (a boot-start driver with a present device)
    under another name, and Diskdump.sys showed nothing where the CSV says "only while a dump is written"."""
    from core.drivers.model import Confidence, DriverKind, StorageDriver, StorageReport
    from core.evidence import Evidence
    from core.report.common import drivers_table

    ev = Evidence("t", "files", storage=StorageReport(drivers=[
        StorageDriver("atapi", "atapi.sys", None, None, DriverKind.ATA, Confidence.MEDIUM, in_use=True),
        StorageDriver("diskdump.sys", "diskdump.sys", None, None, DriverKind.DUMP_STACK, Confidence.HIGH)]))
    t = drivers_table(ev)
    assert t.headers[-1] == "In use"
    assert [r[-1] for r in t.rows] == ["yes", "only while a dump is written"]
