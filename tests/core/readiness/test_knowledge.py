"""The readiness knowledge is data: every check names a registered predicate and cites a source that
exists; every dump event cites a known source; a bad edit fails loudly."""

from __future__ import annotations

import copy

import pytest

from core.errors import FormatError
from core.events.dump_events import dump_events, parse_dump_events
from core.readiness.checks import registered_checks
from core.readiness.knowledge import load_readiness, load_sources, parse_readiness
from core.resources import load_json


def test_every_check_has_a_predicate_and_a_cited_source() -> None:
    knowledge = load_readiness()
    assert len(knowledge.checks) >= 12
    for spec in knowledge.checks:
        assert spec.predicate in registered_checks(), spec.id
        docs = knowledge.docs(spec.sources)
        assert docs and all(d.title for d in docs), spec.id
        assert spec.fix is not None and spec.fix.title, spec.id


def test_check_ids_are_unique_and_stable() -> None:
    ids = [c.id for c in load_readiness().checks]
    assert len(ids) == len(set(ids))
    assert {"dump-enabled", "page-file", "dedicated-dump-file", "free-space", "always-keep-memory-dump",
            "dump-filters", "dump-stack", "dump-capable-miniport", "auto-reboot", "minidump-dir",
            "live-kernel-reports", "hibernation-path"} <= set(ids)


def test_every_dump_event_source_is_in_the_sources_table() -> None:
    sources = load_sources()
    for info in dump_events().values():
        assert info.source is None or info.source in sources, (info.provider, info.event_id)
        # An event we could not confirm must not claim a source, and vice versa.
        assert info.confirmed == (info.source is not None), (info.provider, info.event_id)


def test_links_are_https_or_absent() -> None:
    for doc in load_sources().values():
        assert doc.link is None or doc.link.startswith("https://"), doc.id


@pytest.mark.parametrize("breakage", ["no-source", "unknown-source", "bad-weight", "no-predicate"])
def test_a_bad_readiness_entry_is_rejected(breakage: str) -> None:
    data = copy.deepcopy(load_json("knowledge", "readiness.json"))
    entry = data["checks"][0]
    if breakage == "no-source":
        entry["sources"] = []
    elif breakage == "unknown-source":
        entry["sources"] = ["kb0000000"]
    elif breakage == "bad-weight":
        entry["weight"] = "fatal"
    else:
        del entry["predicate"]
    with pytest.raises(FormatError):
        parse_readiness(data, load_sources())


def test_a_bad_dump_event_entry_is_rejected() -> None:
    data = copy.deepcopy(load_json("knowledge", "dump_events.json"))
    data["events"][0]["effect"] = "maybe"
    with pytest.raises(FormatError):
        parse_dump_events(data)
