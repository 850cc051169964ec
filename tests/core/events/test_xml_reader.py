"""XML exports: every shape wevtutil and Event Viewer write, streamed, hostile input refused."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from core.errors import DumpDoctorError, NotRecognisedError, UnsafeInputError
from core.events import read_events
from core.events.model import EventInput
from tests.builders import events as b

T0 = b.at("2013-05-07 10:00:00")


def _read(path: Path):
    return read_events(EventInput("xml", path, path.name))


def _story() -> list[b.Ev]:
    return [*b.boot(T0), b.kernel_power_41(T0 + b.timedelta(hours=1), bugcheck=209),
            b.unrelated(T0, "Microsoft-Windows-Time-Service", 46), b.unrelated(T0, "Application Error", 1001),
            b.unrelated(T0, "Some-Driver", 41), b.eventlog(T0, 7036)]


@pytest.mark.parametrize(("root", "encoding", "bom", "declaration"), [
    (False, "utf-8", False, False),  # wevtutil qe System /f:xml > file
    (False, "utf-8", True, False),
    (False, "utf-16-le", True, False),  # PowerShell redirection writes UTF-16 LE with a BOM
    (False, "utf-16-le", False, False),
    (False, "utf-16-be", True, False),
    (True, "utf-16-le", True, True),  # Event Viewer "Save as XML"
    (True, "utf-8", False, True),  # wevtutil /e:Events
])
def test_every_export_shape_gives_the_same_relevant_events(tmp_path, root, encoding, bom, declaration):
    path = b.write_export(tmp_path / "System.xml", _story(), root=root, encoding=encoding, bom=bom,
                          declaration=declaration)
    result = _read(path)
    assert result.records_read == len(_story())
    kinds = sorted((r.provider, r.event_id) for r in result.records)
    assert kinds == [("EventLog", 6005), ("EventLog", 6009), ("Microsoft-Windows-Kernel-General", 12),
                     ("Microsoft-Windows-Kernel-Power", 41)]
    kp41 = next(r for r in result.records if r.event_id == 41)
    assert kp41.data["BugcheckCode"] == "209"
    assert kp41.time == T0 + b.timedelta(hours=1)
    assert result.problems == []


def test_same_ids_under_other_providers_are_not_materialised(tmp_path):
    path = b.write_export(tmp_path / "s.xml", [b.unrelated(T0, "Application Error", 1001),
                                               b.unrelated(T0, "Microsoft-Windows-Time-Service", 46),
                                               b.unrelated(T0, "Other", 41), b.kernel_general(T0, 12)])
    result = _read(path)
    assert [(r.provider, r.event_id) for r in result.records] == [("Microsoft-Windows-Kernel-General", 12)]
    assert result.counts == {"Microsoft-Windows-Kernel-General/12": 1}


def test_whea_warnings_are_counted_but_errors_kept(tmp_path):
    path = b.write_export(tmp_path / "s.xml", [b.whea(T0, 19, level=3), b.whea(T0, 18, level=1)])
    result = _read(path)
    assert [r.event_id for r in result.records] == [18]
    assert result.records_read == 2


def test_unnamed_data_items_and_user_data_are_kept_by_position_and_name(tmp_path):
    six = b.eventlog_6008(T0, previous_shutdown=T0 - b.timedelta(hours=3))
    user = b.Ev("volmgr", 161, T0, user_data={"DumpStatus": "0xC0000001"}, level=2)
    result = _read(b.write_export(tmp_path / "s.xml", [six, user]))
    first, second = result.records
    assert first.data["Data5"] == "1846932"
    assert "\u200e" not in first.data["Data2"]  # direction marks stripped
    assert second.data["DumpStatus"] == "0xC0000001"


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE Event [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE Event SYSTEM "file:///etc/passwd">',
])
def test_dtd_and_entity_declarations_are_refused(tmp_path, prolog):
    body = b.export([b.kernel_general(T0, 12)]).decode()
    path = tmp_path / "evil.xml"
    path.write_text(f'<?xml version="1.0"?>{prolog}{body}', encoding="utf-8")
    with pytest.raises(UnsafeInputError) as info:
        _read(path)
    assert "evil.xml" in str(info.value)


def test_not_xml_is_not_recognised(tmp_path):
    path = tmp_path / "notes.xml"
    path.write_text("hello, this is not an event log", encoding="utf-8")
    with pytest.raises(NotRecognisedError):
        _read(path)


def test_an_xml_file_of_something_else_is_not_recognised(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<Events><Item>1</Item></Events>", encoding="utf-8")
    with pytest.raises(NotRecognisedError):
        read_events(EventInput("xml", path, "other.xml"))


def test_malformed_tail_keeps_what_came_before_and_says_where(tmp_path):
    good = b.export([b.kernel_power_41(T0, bugcheck=209), b.kernel_general(T0, 12)])
    path = tmp_path / "cut.xml"
    path.write_bytes(good + b"\r\n<Event xmlns='x'><System><Provider Name='EventLog'/><EventID>60")
    result = _read(path)
    assert {r.event_id for r in result.records} == {41, 12}
    assert result.problems and "malformed" in result.problems[0].message
    assert "line" in result.problems[0].message


def test_events_without_id_or_time_are_counted_not_fatal(tmp_path):
    broken = b.Ev("EventLog", 6005, T0)
    text = b.event_xml(broken).replace("<EventID>6005</EventID>", "")
    path = tmp_path / "s.xml"
    path.write_text(text + b.event_xml(b.eventlog(T0, 6005)), encoding="utf-8")
    result = _read(path)
    assert result.unreadable_records == 1
    assert len(result.records) == 1
    assert "1 records could not be read" in result.problems[0].message


def test_missing_file_is_a_project_error(tmp_path):
    with pytest.raises(DumpDoctorError) as info:
        _read(tmp_path / "absent.xml")
    assert "not found" in str(info.value)


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        _read(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_export_grows(tmp_path):
    filler = [b.unrelated(T0 + b.timedelta(seconds=i), "Service Control Manager", 7036) for i in range(150)]
    small = b.write_export(tmp_path / "small.xml", filler * 2)  # several reads already
    large = b.write_export(tmp_path / "large.xml", filler * 30)  # 15x the events
    assert large.stat().st_size > 10 * small.stat().st_size
    assert _peak(large) < 3 * _peak(small)


@pytest.mark.parametrize("html", [
    b'<!DOCTYPE html>\n<html lang="en">',
    b"\xef\xbb\xbf<!doctype HTML><html>",
    b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">',
])
def test_an_html_page_is_not_taken_for_an_event_export(html: bytes) -> None:
    from core.events.xml_reader import detect
    assert not detect(html)
    assert detect(b'<!DOCTYPE Event [<!ENTITY a "a">]><Event/>')  # still claimed, then refused as unsafe
