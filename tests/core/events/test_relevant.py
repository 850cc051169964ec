"""The one table of relevant System events: the filter the readers apply is derived from it."""

from __future__ import annotations

from core.events import relevant
from core.events.relevant import SYSTEM_EVENTS, is_relevant, provider_key


def test_the_providers_the_classification_names_are_in_the_table() -> None:
    keys = {provider_key(e.name) for e in SYSTEM_EVENTS}
    for name in ("KERNEL_POWER", "EVENTLOG", "WER_BUGCHECK", "VOLMGR", "POWER_TROUBLESHOOTER",
                 "KERNEL_GENERAL", "WHEA"):
        assert getattr(relevant, name) in keys, name


def test_the_filter_follows_the_table() -> None:
    assert is_relevant("Microsoft-Windows-Kernel-Power", 41)
    assert not is_relevant("Microsoft-Windows-Kernel-Power", 12)  # ids are per provider
    assert is_relevant("Microsoft-Windows-Kernel-General", 12)
    # The BugCheck 1001 (and the WER dump events 1000/1004/1006, core.events.dump_events) under each of
    # its source names, and nothing else of theirs.
    for alias in ("Microsoft-Windows-WER-SystemErrorReporting", "BugCheck", "save dump"):
        assert is_relevant(alias, 1001) and is_relevant(alias, 1004) and not is_relevant(alias, 1002)
    assert is_relevant("volmgr", 161) and is_relevant("volmgr", 12345)  # every volmgr id
    assert is_relevant("Microsoft-Windows-WHEA-Logger", 18, level=1)
    assert not is_relevant("Microsoft-Windows-WHEA-Logger", 19, level=3)  # corrected errors are noise
    assert not is_relevant("Service Control Manager", 7036)
    # The id pre-filter never drops an id the table asks for.
    for entry in SYSTEM_EVENTS:
        if entry.ids is None:
            assert provider_key(entry.name) in relevant.ANY_ID_PROVIDERS
        else:
            assert set(entry.ids) <= relevant.RELEVANT_IDS
