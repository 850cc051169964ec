"""`dumpdoctor events`: what a user sees on the command line, and its exit codes."""

from __future__ import annotations

import json
from datetime import timedelta

from core.cli.main import main
from tests.builders import events as b

T0 = b.at("2013-05-07 10:00:00")


def _export(tmp_path):
    events = [*b.boot(T0), *b.clean_shutdown(T0 + timedelta(hours=1)),
              *b.hibernate_crash_d1(T0 + timedelta(days=2))]
    return b.write_export(tmp_path / "System.xml", events, root=True, encoding="utf-16-le", bom=True)


def test_text_timeline_shows_the_hibernate_crash(tmp_path, capsys):
    code = main(["events", str(_export(tmp_path))])
    out = capsys.readouterr().out
    assert code == 1  # an unexpected restart was found
    assert "bugcheck 0xD1" in out and "no dump written" in out
    assert "1 unexpected restart(s); 1 without a dump" in out
    assert "Microsoft-Windows-Kernel-Power/41: 1" in out


def test_json_and_since(tmp_path, capsys):
    path = _export(tmp_path)
    assert main(["events", str(path), "--json"]) == 1
    full = json.loads(capsys.readouterr().out)
    assert main(["events", str(path), "--json", "--since", "2013-05-09"]) == 1
    later = json.loads(capsys.readouterr().out)
    restarts = [e for e in full["timeline"]["entries"] if e["kind"] == "unexpected-restart"]
    assert restarts[0]["bugcheck_code"] == 0xD1 and restarts[0]["no_dump_reason"] == \
        "bugcheck-recorded-by-kernel-power-only"
    assert len(later["timeline"]["entries"]) < len(full["timeline"]["entries"])
    assert all(e["time"] >= "2013-05-09" for e in later["timeline"]["entries"])


def test_since_cuts_the_crash_away_and_exit_is_ok(tmp_path, capsys):
    assert main(["events", str(_export(tmp_path)), "--since", "2014-01-01"]) == 0
    assert "no boots, shutdowns or crashes" in capsys.readouterr().out


def test_bad_since_is_a_usage_error(tmp_path, capsys):
    assert main(["events", str(_export(tmp_path)), "--since", "yesterday"]) == 2
    assert "yesterday" in capsys.readouterr().err


def test_unreadable_log_is_reported(tmp_path, capsys):
    bad = tmp_path / "System.evtx"
    bad.write_bytes(b"ElfFile\0" + b"\0" * 20)  # cut header: recognised, then unreadable
    code = main(["events", str(bad)])
    out = capsys.readouterr().out
    assert code == 3
    assert "System.evtx" in out and "cut short" in out


def test_realdata_win7(realdata, capsys):
    code = main(["events", str(realdata("evtx/System_win7sp1.evtx"))])
    out = capsys.readouterr().out
    assert code == 1
    assert "2 unexpected restart(s); 1 without a dump" in out


def test_a_bundle_that_cannot_be_read_exits_unreadable_not_usage(tmp_path, capsys):
    broken = tmp_path / "bundle.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a zip header with nothing valid behind it
    assert main(["events", str(broken)]) == 3
    assert "bundle.zip" in capsys.readouterr().err


def _empty_log_source():
    """What the live source gives when wevtutil ran and the System log holds none of the events."""
    from core.evidence_ref import Problem, Severity
    from core.sources.base import EvidenceSource, RegistryHives

    class EmptyLog(EvidenceSource):
        kind = "live"
        description = "This computer"

        def registry(self):
            return RegistryHives()

        def dump_files(self, crash_control):
            return []

        def driver_file(self, file_name, image_path=None):
            return None

        def event_inputs(self):
            self.problems.append(Problem("live System log", "the System log holds none of the events "
                                        "the diagnosis reads (it may have been cleared)", Severity.INFO,
                                        "events"))
            return []

    return EmptyLog()


def test_an_empty_but_readable_log_exits_ok_not_unreadable(monkeypatch, capsys):
    monkeypatch.setattr("core.examine.open_source", lambda spec: _empty_log_source())
    assert main(["events"]) == 0
    assert "holds none of the events" in capsys.readouterr().out


def _cut_log(tmp_path, computer: str = "PC-ONE"):
    """A log of 12 boots in three chunks, cut inside the second: records 5-12 are lost."""
    from tests.builders.evtx import EvtxImage, build_evtx_image

    events = []
    for i in range(6):
        for ev in b.boot(T0 + timedelta(days=i)):
            ev.computer = computer
            events.append(ev)
    image = build_evtx_image(events, records_per_chunk=4)
    path = tmp_path / f"{computer}.evtx"
    path.write_bytes(image.data[:EvtxImage.chunk_offset(1) + 300])
    return path


def test_a_log_cut_short_is_not_an_all_clear(tmp_path, capsys):
    """The real Windows 7 log cut at 70,000 bytes: 1,326 of 1,601 records lost (both crashes with them),
    and `events` exited 0, "no unexpected restart". Unread records can hold restarts: exit 4."""
    path = _cut_log(tmp_path)
    assert main(["events", str(path)]) == 4
    assert "could not be read" in capsys.readouterr().out
    assert main(["events", str(path), "--json"]) == 4


def test_json_of_logs_from_two_computers_keeps_them_apart(tmp_path, capsys):
    """`events --json` of two computers' logs printed one merged timeline (the text output did not)."""
    first, second = [*b.boot(T0)], [*b.hibernate_crash_d1(T0 + timedelta(days=2))]
    for events, name in ((first, "PC-ONE"), (second, "PC-TWO")):
        for ev in events:
            ev.computer = name
    one = b.write_export(tmp_path / "one.xml", first)
    two = b.write_export(tmp_path / "two.xml", second)
    assert main(["events", str(one), str(two), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert "timeline" not in data
    assert [m["computer"] for m in data["machines"]] == ["PC-ONE", "PC-TWO"]
    kinds = [[e["kind"] for e in m["timeline"]["entries"]] for m in data["machines"]]
    assert "unexpected-restart" not in kinds[0] and "unexpected-restart" in kinds[1]
