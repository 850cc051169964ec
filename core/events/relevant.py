"""Which System-log events the diagnosis needs. Only these are materialised as EventRecords, so a log
of hundreds of MB costs memory in proportion to its crashes, not its size.

Event IDs are not unique across providers (41, 46, 1001 and 12 occur under unrelated sources, FACTS §7),
so every test here is on provider AND id together.
"""

from __future__ import annotations

KERNEL_POWER = "microsoft-windows-kernel-power"
EVENTLOG = "eventlog"
WER_BUGCHECK = "microsoft-windows-wer-systemerrorreporting"
VOLMGR = "volmgr"
POWER_TROUBLESHOOTER = "microsoft-windows-power-troubleshooter"
KERNEL_GENERAL = "microsoft-windows-kernel-general"
WHEA = "microsoft-windows-whea-logger"

# The 1001 is logged under the WER provider with EventSourceName "BugCheck"; older tools and some
# exports show only the classic source name, and XP-era logs called it "Save Dump".
BUGCHECK_ALIASES = frozenset({WER_BUGCHECK, "bugcheck", "save dump"})

# volmgr crash-dump errors: their meanings live in resources/knowledge/dump_events.json
# (core.events.dump_events); this set is kept for callers that only need the ids.
VOLMGR_DUMP_ERRORS = frozenset({44, 45, 46, 47, 48, 49, 161, 164})
# WER system events besides 1001 that may say a dump was not saved (meanings unconfirmed, see the table).
WER_DUMP_EVENT_IDS = frozenset({1000, 1004, 1006})

RELEVANT: dict[str, frozenset[int] | None] = {
    KERNEL_POWER: frozenset({41, 42, 107}),
    EVENTLOG: frozenset({6005, 6006, 6008, 6009, 6013}),
    WER_BUGCHECK: frozenset({1001}) | WER_DUMP_EVENT_IDS,
    "bugcheck": frozenset({1001}),
    "save dump": frozenset({1001}),
    # Every volmgr event is kept: they are rare and the dump-related ones beyond 45/46/49/161 are not
    # all documented; the timeline decides which count as dump errors.
    VOLMGR: None,
    POWER_TROUBLESHOOTER: frozenset({1}),
    KERNEL_GENERAL: frozenset({12, 13}),
    WHEA: None,  # errors only, see is_relevant()
}

# Cheap pre-filter on the id alone, before the provider is even looked at: most records in a System
# log are rejected by one set lookup. None in RELEVANT means "any id", so such providers cannot be
# pre-filtered by id.
ANY_ID_PROVIDERS = frozenset(p for p, ids in RELEVANT.items() if ids is None)
RELEVANT_IDS: frozenset[int] = frozenset().union(*(ids for ids in RELEVANT.values() if ids is not None))


def provider_key(provider: str) -> str:
    return provider.strip().lower()


def is_relevant(provider: str, event_id: int, level: int | None = None) -> bool:
    key = provider_key(provider)
    if key not in RELEVANT:
        return False
    ids = RELEVANT[key]
    if key == WHEA:
        # WHEA warnings are corrected errors and can flood a log; the crash story needs the fatal ones.
        return level is None or level <= 2
    return ids is None or event_id in ids


def count_key(provider: str, event_id: int) -> str:
    return f"{provider}/{event_id}"
