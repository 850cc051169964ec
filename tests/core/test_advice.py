"""Advice for missing evidence is written once (core.advice): every source and the scan take it from
there, so a bundle, a Windows folder and the scan name the same place for the same file."""

from __future__ import annotations

from core.advice import HOW_TO_GET, WHERE, add_or_collect, copy_into_windows_folder
from core.scan import scan
from core.sources import open_source


def test_an_empty_bundle_and_an_empty_windows_folder_name_the_same_places(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("nothing useful")
    (tmp_path / "vol" / "Windows" / "System32").mkdir(parents=True)
    with open_source(tmp_path / "b") as bundle:
        from_bundle = {m.what: m.how_to_get for m in scan(bundle).missing}
    with open_source(tmp_path / "vol") as folder:
        from_folder = {m.what: m.how_to_get for m in scan(folder).missing}
    assert from_bundle["system-hive"] == add_or_collect("system-hive")
    assert from_bundle["event-log"] == add_or_collect("event-log")
    assert from_folder["system-hive"] == copy_into_windows_folder("system-hive")
    assert from_folder["event-log"] == copy_into_windows_folder("event-log")
    for what in ("system-hive", "event-log"):
        assert WHERE[what] in from_bundle[what] and WHERE[what] in from_folder[what]


def test_every_missing_id_has_default_advice():
    assert set(WHERE) <= set(HOW_TO_GET)
