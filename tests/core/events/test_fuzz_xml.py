"""Hypothesis: whatever an XML export holds, the reader returns what it could read or raises a project
error — never a raw exception — and relevant events round-trip with their data intact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DumpDoctorError
from core.events import read_events
from core.events.model import EventInput
from core.events.relevant import is_relevant
from tests.builders import events as b
from tests.fuzzing import only_project_errors

T0 = b.at("2010-01-01 00:00:00")
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Cn", "Co")), max_size=30)
_events = st.lists(st.builds(
    lambda provider, eid, secs, data: b.Ev(provider, eid, T0 + timedelta(seconds=secs),
                                           [(f"F{i}", v) for i, v in enumerate(data)]),
    st.sampled_from(["Microsoft-Windows-Kernel-Power", "EventLog", "volmgr", "Service Control Manager",
                     "Microsoft-Windows-Kernel-General", "Application Error"]),
    st.sampled_from([1, 12, 41, 42, 46, 1001, 6005, 6008, 7036]),
    st.integers(0, 10**8), st.lists(_text, max_size=4)), max_size=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=_events, root=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
       bom=st.booleans())
def test_generated_exports_round_trip(tmp_path, events, root, encoding, bom):
    path = b.write_export(tmp_path / "f.xml", events, root=root, encoding=encoding, bom=bom or encoding ==
                          "utf-16-be")
    try:
        result = read_events(EventInput("xml", path, "f.xml"))
    except DumpDoctorError:
        assert not events  # only an export with no events at all is "not recognised"
        return
    assert result.records_read == len(events)
    kept = [(r.provider, r.event_id, r.time, r.data) for r in result.records]
    expected = [(e.provider, e.event_id, e.time, {n: v.strip() for n, v in e.data if n})
                for e in events if is_relevant(e.provider, e.event_id, e.level)]
    assert [k[:3] for k in kept] == [x[:3] for x in expected]
    for got, want in zip(kept, expected, strict=True):
        assert got[3] == want[3]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 4000), flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)),
                                                  max_size=6))
@pytest.mark.fuzz
def test_damaged_exports_never_raise_anything_but_project_errors(tmp_path, cut, flips):
    data = bytearray(b.export([*b.boot(T0), *b.hibernate_crash_d1(T0 + timedelta(hours=1))]))
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    path = tmp_path / "d.xml"
    path.write_bytes(bytes(data[:cut] if cut else data))
    result = only_project_errors(lambda: read_events(EventInput("xml", path, "d.xml")), names="d.xml")
    if result is not None:
        assert result.records_read >= len(result.records)
