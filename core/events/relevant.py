"""Which System-log events the diagnosis needs: the one table (SYSTEM_EVENTS) every other list is
derived from — the readers' filter here, the live query (core.sources.live_win) and the collector's
wevtutil queries (core.bundle.collector) both via `system_event_selects()`. Only these events are
materialised as EventRecords, so a log of hundreds of MB costs memory in proportion to its crashes,
not its size.

Event IDs are not unique across providers (41, 46, 1001 and 12 occur under unrelated sources, FACTS §7),
so every test here is on provider AND id together. To read one more event, add its id to its
provider's line (or one line for a new provider); nothing else needs to change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemEvents:
    """One provider's events the diagnosis reads."""

    name: str  # exactly as the System log spells it (XPath comparisons are case-sensitive)
    ids: tuple[int, ...] | None  # None = every id of this provider
    aliases: tuple[str, ...] = ()  # other source names the same events are logged under
    max_level: int | None = None  # keep only records at this level or more severe (1 critical, 2 error)


SYSTEM_EVENTS: tuple[SystemEvents, ...] = (
    SystemEvents("Microsoft-Windows-Kernel-Power", (41, 42, 107)),
    SystemEvents("EventLog", (6005, 6006, 6008, 6009, 6013)),
    # The 1001 is logged under the WER provider with EventSourceName "BugCheck"; older tools and some
    # exports show only the classic source name, and XP-era logs called it "Save Dump".
    # 1000, 1004 and 1006 may say a dump was not saved (meanings unconfirmed: dump_events.json).
    SystemEvents("Microsoft-Windows-WER-SystemErrorReporting", (1000, 1001, 1004, 1006),
                 aliases=("BugCheck", "Save Dump")),
    # Every volmgr event is kept: they are rare and the dump-related ones beyond 45/46/49/161 are not
    # all documented; the timeline decides which count as dump errors.
    SystemEvents("volmgr", None),
    SystemEvents("Microsoft-Windows-Power-Troubleshooter", (1,)),
    SystemEvents("Microsoft-Windows-Kernel-General", (12, 13)),
    # WHEA warnings are corrected errors and can flood a log; the crash story needs the fatal ones.
    SystemEvents("Microsoft-Windows-WHEA-Logger", None, max_level=2),
)


def provider_key(provider: str) -> str:
    return provider.strip().lower()


# Lower-case provider keys the classification names (kinds.py, timeline.py).
KERNEL_POWER = "microsoft-windows-kernel-power"
EVENTLOG = "eventlog"
WER_BUGCHECK = "microsoft-windows-wer-systemerrorreporting"
VOLMGR = "volmgr"
POWER_TROUBLESHOOTER = "microsoft-windows-power-troubleshooter"
KERNEL_GENERAL = "microsoft-windows-kernel-general"
WHEA = "microsoft-windows-whea-logger"

# volmgr crash-dump errors: their meanings live in resources/knowledge/dump_events.json
# (core.events.dump_events); this set is kept for callers that only need the ids.
VOLMGR_DUMP_ERRORS = frozenset({44, 45, 46, 47, 48, 49, 161, 164})
# WER system events besides 1001 that may say a dump was not saved (meanings unconfirmed, see the table).
WER_DUMP_EVENT_IDS = frozenset({1000, 1004, 1006})

# -- derived from SYSTEM_EVENTS: never edit these -------------------------------------------------

_BY_KEY: dict[str, SystemEvents] = {provider_key(name): entry for entry in SYSTEM_EVENTS
                                    for name in (entry.name, *entry.aliases)}
RELEVANT: dict[str, frozenset[int] | None] = {
    key: None if entry.ids is None else frozenset(entry.ids) for key, entry in _BY_KEY.items()}
BUGCHECK_ALIASES = frozenset(key for key, entry in _BY_KEY.items()
                             if provider_key(entry.name) == WER_BUGCHECK)

# Cheap pre-filter on the id alone, before the provider is even looked at: most records in a System
# log are rejected by one set lookup. None in RELEVANT means "any id", so such providers cannot be
# pre-filtered by id.
ANY_ID_PROVIDERS = frozenset(p for p, ids in RELEVANT.items() if ids is None)
RELEVANT_IDS: frozenset[int] = frozenset().union(*(ids for ids in RELEVANT.values() if ids is not None))


def is_relevant(provider: str, event_id: int, level: int | None = None) -> bool:
    entry = _BY_KEY.get(provider_key(provider))
    if entry is None:
        return False
    if entry.max_level is not None and level is not None and level > entry.max_level:
        return False
    return entry.ids is None or event_id in entry.ids


def count_key(provider: str, event_id: int) -> str:
    return f"{provider}/{event_id}"


# -- the Event Log query (live_win's structured query and the collector's wevtutil lines) ----------

# EvtQuery: "If your XPath contains more than 20 expressions, use a structured XML query"; older
# Windows rejects longer ones with "The specified query is invalid". Each query stays well below.
MAX_XPATH_EXPRESSIONS = 20


def xpath_expression_count(xpath: str) -> int:
    """Comparisons in an XPath (what the Event Log counts against its limit)."""
    return xpath.count("=")


def provider_xpath(entry: SystemEvents) -> str:
    """One provider's XPath for EvtQuery / `wevtutil qe`. Aliases are matched both as the provider
    name and as EventSourceName (Vista and later log the classic source there)."""
    names = [f"@Name='{entry.name}'"]
    names += [f"@Name='{alias}'" for alias in entry.aliases]
    names += [f"@EventSourceName='{alias}'" for alias in entry.aliases]
    test = f"Provider[{' or '.join(names)}]"
    if entry.ids:
        test += " and (" + " or ".join(f"EventID={i}" for i in entry.ids) + ")"
    if entry.max_level is not None:
        test += f" and (Level<={entry.max_level})"
    return f"*[System[{test}]]"


def system_event_selects() -> list[str]:
    """One XPath per provider, each far below the Event Log's 20-expression limit (one XPath for all
    of them would not be)."""
    return [provider_xpath(entry) for entry in SYSTEM_EVENTS]
