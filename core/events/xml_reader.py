"""XML exports of the System log, streamed so that memory stays flat whatever the file size.

Two shapes exist: `wevtutil qe System /f:xml` writes a bare sequence of <Event> elements with no root
element, and Event Viewer's "Save as XML" (or wevtutil /e:Events) wraps them in <Events>. Both are fed to
an incremental parser inside a root element of our own. The encoding is UTF-8 or UTF-16 (LE/BE), with or
without a byte-order mark.

Safety: a DOCTYPE or ENTITY declaration has no place in an event export and is how entity-expansion
bombs and external entities get in, so either one rejects the file before the parser sees it.
"""

from __future__ import annotations

import codecs
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from core.errors import NotRecognisedError, UnsafeInputError, unreadable
from core.events.model import EventReadResult
from core.events.relevant import count_key, is_relevant
from core.events.xmlrecord import BadEventError, event_head, head_to_record, local
from core.evidence_ref import Problem, Severity
from core.progress import NEVER_CANCELLED, CancelToken
from core.safefs import open_regular
from core.textenc import decode_start, sniff_encoding

log = logging.getLogger(__name__)

READ_SIZE = 1 << 16  # bounds the elements built between two drains of the parser
MAX_DEPTH = 64  # <Events><Event><EventData><Data> is 4 below our root; UserData adds a few
MAX_EVENT_ELEMENTS = 10_000  # a real event has tens; this bounds memory for one hostile <Event>
MAX_EVENT_CHARS = 16 << 20  # a real event is a few KB; its text is held until it ends
MAX_TEXT_RUN = 16 << 20  # text between two tags is held whole by the parser
_ROOT = "ddEventsRoot"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORBIDDEN_TAIL = 16  # longest prefix of a forbidden marker that can straddle two reads


DETECT_SIZE = 4096


def detect(prefix: bytes) -> bool:
    """True when the first bytes are (after a BOM, declaration, comments and whitespace) <Event or
    <Events: an export of Event Viewer or wevtutil. Source identification walks these checks."""
    text = _DECLARATION.sub("", decode_start(prefix).lstrip("\ufeff \t\r\n"), count=1).lstrip()
    while text.startswith("<!--"):
        end = text.find("-->")
        if end < 0:
            return False
        text = text[end + 3:].lstrip()
    # A DOCTYPE is claimed here so that the reader refuses it as unsafe instead of "not recognised";
    # an HTML page (every bundle's report/report.html) is not an event export at all.
    doctype = text[:9].upper() == "<!DOCTYPE"
    return text.startswith("<Event") or (doctype and text[9:].lstrip()[:4].lower() != "html")


def read_event_xml(path: Path, label: str, cancel: CancelToken = NEVER_CANCELLED) -> EventReadResult:
    result = EventReadResult(origin=label)
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    walk = _Walk()
    offset = 0
    tail = ""
    try:
        with open_regular(path) as fh:
            head = fh.read(READ_SIZE)
            encoding, bom = sniff_encoding(head)
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            first = True
            data = head[bom:]
            offset = bom
            parser.feed(f"<{_ROOT}>")
            while True:
                text = decoder.decode(data, final=not data)
                if first:
                    text = _DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
                    first = False
                window = tail + text
                bad = _FORBIDDEN.search(window)
                if bad:
                    raise UnsafeInputError(
                        "the XML declares a DOCTYPE or ENTITY; event exports never do, and such "
                        "declarations are how entity-expansion attacks work", path=path,
                        expected="plain <Event> elements")
                tail = window[-_FORBIDDEN_TAIL:]
                if text:
                    parser.feed(text)
                    seen = _drain(parser, walk, result, label)
                    _check_sizes(walk, seen, len(text))
                    cancel.check()
                if not data:
                    break
                offset += len(data)
                data = fh.read(READ_SIZE)
            parser.feed(f"</{_ROOT}>")
            _drain(parser, walk, result, label)
            parser.close()
    except OSError as exc:
        raise unreadable(path, exc) from exc
    except _TooComplexError as exc:
        if not result.records_read and not result.unreadable_records:
            raise UnsafeInputError(f"not an event-log export: {exc}", path=path, offset=offset,
                                   expected="<Event> elements as written by wevtutil or Event Viewer"
                                   ) from exc
        result.unreadable_chunks += 1
        result.problems.append(Problem(
            label, f"reading stopped near byte {offset}: {exc}; {result.records_read} events before it "
                   "were read, the rest of the file was not", Severity.WARNING, "events"))
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        if not result.records_read and not result.unreadable_records:
            raise NotRecognisedError(f"not an event-log XML export ({exc})", path=path,
                                     expected="<Event> elements as written by wevtutil or Event Viewer"
                                     ) from exc
        # expat cannot resume after a syntax error; keep what was read and say where it stopped.
        result.unreadable_chunks += 1
        result.problems.append(Problem(
            label, f"the XML is malformed at line {line}, column {column} (near byte {offset}); "
                   f"{result.records_read} events before it were read, the rest of the file was not",
            Severity.WARNING, "events"))
    if not result.records_read and not result.unreadable_records:
        raise NotRecognisedError("no <Event> elements found", path=path,
                                 expected="an export of the System log (wevtutil qe System /f:xml)")
    if result.unreadable_records:
        result.problems.append(Problem(label, f"{result.unreadable_records} records could not be read "
                                              "(no provider, event id or time)", Severity.WARNING, "events"))
    return result


class _TooComplexError(Exception):
    """The document nests deeper, or one event holds more elements, than any event export does."""


def _check_sizes(walk: _Walk, elements_seen: int, chars: int) -> None:
    """Text the parser holds for an element it has not finished grows with the input: one <Event> or
    one run of text between tags bigger than any real export has is refused, so memory stays bounded."""
    walk.quiet_chars = 0 if elements_seen else walk.quiet_chars + chars
    if walk.quiet_chars > MAX_TEXT_RUN:
        raise _TooComplexError(f"more than {MAX_TEXT_RUN:,} characters of text without a tag")
    walk.event_chars = walk.event_chars + chars if walk.open_events else 0
    if walk.event_chars > MAX_EVENT_CHARS:
        raise _TooComplexError(f"one <Event> is longer than {MAX_EVENT_CHARS:,} characters")


class _Walk:
    """What the reader keeps between parser events: the open elements and how many of them are
    <Event>s, so each start/end costs O(1) whatever the nesting (a scan of the open elements per end
    tag made 1.3 MB of unclosed elements cost minutes)."""

    def __init__(self) -> None:
        self.stack: list[ET.Element] = []
        self.open_events = 0
        self.event_elements = 0  # elements of the outermost open <Event>
        self.event_chars = 0  # input read while an <Event> is open (chunk granularity)
        self.quiet_chars = 0  # input read without any element starting or ending


def _drain(parser: ET.XMLPullParser[ET.Element], walk: _Walk, result: EventReadResult,
           label: str) -> int:
    """Handle the parser's events; returns how many elements started or ended."""
    stack = walk.stack
    seen = 0
    for kind, elem in parser.read_events():  # type: ignore[misc]  # typeshed unions the tuple shapes
        if not isinstance(elem, ET.Element):
            continue
        seen += 1
        is_event = local(elem.tag) == "Event"
        if kind == "start":
            if len(stack) >= MAX_DEPTH:
                raise _TooComplexError(f"elements nest more than {MAX_DEPTH} deep (event exports nest 5)")
            stack.append(elem)
            if walk.open_events:
                walk.event_elements += 1
                if walk.event_elements > MAX_EVENT_ELEMENTS:
                    raise _TooComplexError(f"one <Event> holds more than {MAX_EVENT_ELEMENTS:,} elements")
            if is_event:
                walk.open_events += 1
            continue
        stack.pop()
        if is_event:
            walk.open_events -= 1
        if not is_event or walk.open_events:
            if not walk.open_events and stack:
                stack[-1].remove(elem)  # not part of any event: keep nothing of it
            continue
        walk.event_elements = 0
        result.records_read += 1
        try:
            head = event_head(elem)
        except BadEventError as exc:
            result.unreadable_records += 1
            log.warning("%s: event %d skipped: %s", label, result.records_read, exc)
            head = None
        if head is not None:
            if result.first_event is None or head.time < result.first_event:
                result.first_event = head.time
            if result.last_event is None or head.time > result.last_event:
                result.last_event = head.time
        if head is not None and is_relevant(head.provider, head.event_id, head.level):
            record = head_to_record(head, label)  # only the relevant events become EventRecords
            result.records.append(record)
            key = count_key(record.provider, record.event_id)
            result.counts[key] = result.counts.get(key, 0) + 1
        # Drop the finished event from its parent so memory does not grow with the file.
        if stack:
            stack[-1].remove(elem)
        else:  # pragma: no cover - our own root always encloses it
            elem.clear()
    return seen
