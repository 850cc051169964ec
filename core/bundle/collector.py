"""Save the collector (resources/collector: collect.cmd and README.txt) where the user wants it, e.g.
on a USB stick for a Windows 7 machine that cannot run Dump Doctor itself.

collect.cmd is a template: its System-log queries are rendered from the one table of relevant events
(core.events.relevant.SYSTEM_EVENTS), the same table the live query and the readers use, so the
collector never asks for a different set of events than Dump Doctor reads; the driver files it always
copies come from the one list of the files that write a dump (core.dump_stack)."""

from __future__ import annotations

from pathlib import Path

from core.dump_stack import DUMP_STACK_FILES
from core.errors import UsageError
from core.events.relevant import system_event_selects
from core.resources import resource_path

COLLECTOR_FILES = ("collect.cmd", "README.txt")
QUERIES_MARKER = "@SYSTEM_EVENT_QUERIES@"
DUMP_STACK_MARKER = "@DUMP_STACK_FILES@"
# !OUT! and !LOG!, never %OUT%: delayed expansion would eat a "!" in a %-expanded path.
EVENTS_TARGET = r'"!OUT!\events\System.xml"'


def collector_dir() -> Path:
    return resource_path("collector")


def event_query_lines() -> list[str]:
    """The collector's wevtutil lines: one query per provider (a single XPath for all of them would
    pass EvtQuery's 20-expression limit, and Vista/7's wevtutil has no structured query on /q:).
    The outputs are appended; the reader takes a root-less sequence of <Event> elements."""
    lines = [f"type nul > {EVENTS_TARGET}"]
    lines += [f'wevtutil qe System /q:"{xpath}" /f:xml >> {EVENTS_TARGET} 2>>"!LOG!"'
              for xpath in system_event_selects()]
    return lines


def render_collect_cmd() -> bytes:
    """collect.cmd as the user gets it: the template with its event queries written in (CRLF kept:
    cmd.exe needs the line endings the file was written with)."""
    text = (collector_dir() / "collect.cmd").read_bytes().decode("ascii")
    for marker in (QUERIES_MARKER, DUMP_STACK_MARKER):
        if marker not in text:
            raise RuntimeError(f"collect.cmd has lost its {marker} line")
    text = text.replace(DUMP_STACK_MARKER, " ".join(DUMP_STACK_FILES))
    return text.replace(QUERIES_MARKER, "\r\n".join(event_query_lines())).encode("ascii")


def collector_file_bytes(name: str) -> bytes:
    """The bytes of one collector file as saved for the user."""
    if name == "collect.cmd":
        return render_collect_cmd()
    return (collector_dir() / name).read_bytes()


def save_collector(dest: Path) -> list[Path]:
    """Write the collector files into `dest` (created if needed). Returns the files written.
    Raises UsageError when the folder cannot be created or written."""
    dest = Path(dest)
    written: list[Path] = []
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for name in COLLECTOR_FILES:
            target = dest / name
            target.write_bytes(collector_file_bytes(name))
            written.append(target)
    except FileExistsError as exc:
        raise UsageError("a file with this name exists; choose a folder", path=dest) from exc
    except OSError as exc:
        raise UsageError(f"the collector could not be saved: {exc.strerror or exc}",
                         path=exc.filename or dest) from exc
    return written
