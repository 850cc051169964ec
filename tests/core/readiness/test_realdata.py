"""Readiness on real samples nobody here wrote (../shared/realdata, MANIFEST.md): the real volmgr 46 of
the Server 2012 R2 log, the CrashControl values of the real hives, the dump stack of the real dump."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.dumps import read_dump
from core.events import build_timeline, read_events
from core.events.model import TimelineKind
from core.evidence import Evidence
from core.readiness.engine import assess_readiness
from core.registry import open_hive, read_registry_facts
from core.sources.base import EventInput
from tests.core.readiness.helpers import UNKNOWN, YES

pytestmark = pytest.mark.realdata
Real = Callable[[str], Path]


def test_real_volmgr_46_is_a_documented_dump_error(realdata: Real) -> None:
    path = realdata("evtx/System_ws2012r2_large.evtx")
    timeline = build_timeline(read_events(EventInput("evtx", path, path.name)))
    errors = [e for e in timeline.entries if e.dump_event == "volmgr/46"]
    assert len(errors) == 1 and errors[0].kind is TimelineKind.DUMP_ERROR
    assert "crash dump initialization failed" in errors[0].summary
    # The log has later boots with no such failure: the dump stack was set up at the last of them.
    ev = Evidence("real log", "offline", timeline=timeline)
    check = assess_readiness(ev, []).check("dump-stack")
    assert check is not None and check.state is YES and "start-up" in check.text


@pytest.mark.parametrize(("hive", "dump_type", "words"), [
    ("hives/SYSTEM_win7sp1", 2, "kernel memory dump"),
    ("hives/SYSTEM_win10-1709", 7, "automatic memory dump"),
])
def test_real_hive_crash_control(realdata: Real, hive: str, dump_type: int, words: str) -> None:
    facts = read_registry_facts(open_hive(realdata(hive)), None)
    assert facts.crash_control is not None and facts.crash_control.dump_filters == ["dumpfve.sys"]
    r = assess_readiness(Evidence("real hive", "offline", registry=facts), [])
    enabled = r.check("dump-enabled")
    assert enabled is not None and enabled.state is YES and words in enabled.text
    page = r.check("page-file")
    assert page is not None and page.state is YES  # ?:\pagefile.sys, system managed
    filters = r.check("dump-filters")
    assert filters is not None and filters.state is UNKNOWN  # a hive alone cannot show dumpfve.sys
    assert r.dump_type == words


def test_real_dump_records_its_dump_stack(realdata: Real) -> None:
    dump = read_dump(realdata("dumps/triage_x64_19041.dmp"))
    r = assess_readiness(Evidence("real dump", "offline", dumps=[dump]), [])
    check = r.check("dump-stack")
    assert check is not None and check.state is YES and "dump_stornvme.sys" in check.text


def test_real_win7_crash_without_a_stop_code_is_explained(realdata: Real) -> None:
    path = realdata("evtx/System_win7sp1.evtx")
    facts = read_registry_facts(open_hive(realdata("hives/SYSTEM_win7sp1")), None)
    timeline = build_timeline(read_events(EventInput("evtx", path, path.name)), (), facts.crash_control)
    r = assess_readiness(Evidence("real", "offline", registry=facts, timeline=timeline), [])
    # MANIFEST: crash 1 (2012-04-06 14:07) saved a dump; crash 2 (19:11) has BugcheckCode 0 and no dump.
    [lost] = r.missing_dumps
    assert lost.time.isoformat().startswith("2012-04-06T19:11") and lost.reason == "no-stop-code"
