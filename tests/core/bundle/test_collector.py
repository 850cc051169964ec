"""The collector script for Vista/7/2008/2008 R2: built-in tools only, the bundle layout the reader
knows, and a folder laid out exactly as it writes one is read and diagnosed."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from core.bundle.collector import collector_dir, render_collect_cmd, save_collector
from core.bundle.layout import REG_EXPORTS, is_layout_path
from core.bundle.redact import Redactor
from core.bundle.registry_export import collect_reg_files, reg_file_bytes
from core.diagnosis import diagnose
from core.dump_stack import DUMP_STACK_FILES
from core.events import relevant
from core.events.relevant import (
    MAX_XPATH_EXPRESSIONS,
    SystemEvents,
    system_event_selects,
    xpath_expression_count,
)
from core.scan import scan
from core.sources import live_win, open_source
from tests.builders.events import at, export, hibernate_crash_d1
from tests.builders.offline_root import Machine, _write_drivers, _write_minidumps, memory_roots
from tests.core.bundle.fakes import folder_source

# cmd built-ins, and programs in System32 of Vista SP2 / 7 / 2008 / 2008 R2.
BUILTINS = {"echo", "echo.", "echo(", "set", "setlocal", "endlocal", "if", "for", "goto", "call", "exit",
            "rem", "copy", "mkdir", "md", "pause", "dir", "type", "ver", "else", "do", "not", "pushd", "popd"}
SHIPPED_TOOLS = {"reg", "wevtutil", "systeminfo", "driverquery", "find", "whoami", "net", "cmd.exe",
                 "xcopy", "findstr", "wmic"}
FORBIDDEN = re.compile(r"powershell|bitsadmin|certutil|curl|wget|ftp|tftp|https?://|\\\\\\\\|invoke-|"
                       r"\bnet\s+use\b|mshta|cscript|wscript", re.IGNORECASE)


def _lines() -> list[str]:
    text = render_collect_cmd().decode("ascii")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "cmd.exe needs CRLF line endings"
    return text.split("\r\n")


def _code_lines() -> list[str]:
    out = []
    for line in _lines():
        s = line.strip()
        if not s or s.lower().startswith("rem ") or s.startswith("::") or re.match(r"^:\w+$", s):
            continue
        out.append(s)
    return out


def _commands(line: str) -> list[str]:
    """Simple commands of one line: split on & | && || and block parentheses, then peel if/for/else."""
    line = re.sub(r"\^.", "", line)
    if re.match(r"^echo\b[^&|]*$", line, re.IGNORECASE):
        return ["echo"]  # the rest is text, parentheses and all
    line = re.sub(r'"[^"]*\\([\w.]+\.exe)"', r"\1", line)  # a quoted program keeps its name
    line = re.sub(r"\d?>&\d", " ", line)  # 2>&1 is a redirection, not a command separator
    quoted = re.sub(r'"[^"]*"', '""', line)  # operators inside quotes are data
    quoted = re.sub(r"\bin\s*\([^()']*\)\s*do\b", "in do", quoted, flags=re.IGNORECASE)
    inner = re.findall(r"'([^']*)'", quoted)  # for /f ('command')
    quoted = re.sub(r"'[^']*'", "''", quoted)
    parts = re.split(r"&&|\|\||[&|()]", quoted)
    cmds = []
    for part in parts + inner:
        part = re.sub(r"\d?>>?\s*(\"\"|\S+)", " ", part).strip()  # redirections
        while True:
            m = re.match(r"^(?:@|else\b|do\b|if\s+(?:/i\s+)?(?:not\s+)?(?:exist\s+\S+|defined\s+\S+|"
                         r"errorlevel\s+\d+|\S+\s*(?:==|\s(?:EQU|NEQ|LSS|LEQ|GTR|GEQ)\s)\s*\S+)|"
                         r"for\s+(?:/[fdrl]\s+)?(?:\"\"\s+)?%%\w\s+in\s*(?:do\b)?)\s*", part,
                         re.IGNORECASE)
            if not m or not m.group(0):
                break
            part = part[m.end():]
        if part and part not in ("''", '""'):
            cmds.append(part.split()[0].strip('"').lower())
    return cmds


def test_script_uses_only_builtin_commands_and_windows_tools() -> None:
    used = {c for line in _code_lines() for c in _commands(line)}
    allowed = BUILTINS | SHIPPED_TOOLS
    unknown = {c for c in used if c not in allowed and not c.endswith("\\cmd.exe")}
    assert not unknown, f"commands not shipped with Windows Vista/7: {sorted(unknown)}"
    assert {"reg", "wevtutil", "copy", "systeminfo", "driverquery", "ver"} <= used


def test_script_has_no_powershell_and_no_network() -> None:
    for line in _code_lines():
        assert not FORBIDDEN.search(line), line
    net = [line for line in _code_lines() if re.search(r"\bnet\b", line, re.IGNORECASE)]
    assert net and all(re.search(r"\bnet session\b", n, re.IGNORECASE) for n in net)


def test_script_checks_for_administrator_and_says_so() -> None:
    text = "\r\n".join(_lines())
    assert "S-1-16-12288" in text and "net session" in text
    assert "Run as administrator" in text


def _outputs() -> list[str]:
    """Every place the script writes: redirections, reg export/save targets, epl, copy destinations."""
    outs: list[str] = []
    for line in _code_lines():
        for m in re.finditer(r'(?<![0-9&])>>?\s*"([^"]+)"', line):
            outs.append(m.group(1))
        if re.match(r"^(if .*?\)?\s*)?(reg export|reg save|wevtutil epl|copy)\b", line, re.IGNORECASE) or \
                re.search(r"\b(reg export|reg save|wevtutil epl|copy /y)\b", line, re.IGNORECASE):
            quoted = re.findall(r'"([^"]*)"', line.split(">>")[0])
            if quoted:
                outs.append(quoted[-1])
    return outs


def test_every_output_path_is_in_the_bundle_layout() -> None:
    outputs = _outputs()
    assert outputs
    for target in outputs:
        if target in ("!LOG!",):
            continue
        # Paths are used as !OUT! only: %OUT% would let delayed expansion eat a "!" in the path.
        assert target.startswith("!OUT!\\"), target
        member = target[len("!OUT!\\"):].replace("\\", "/")
        member = member.replace("dumps/%~2/", "dumps/LiveKernelReports/").replace("%~2", "CrashControl.reg")
        if member.endswith("/"):
            member += "x.bin"
        assert is_layout_path(member), target
    mkdirs = [shlex.split(line.replace("\\", "/"))[1] for line in _code_lines() if line.startswith("mkdir ")]
    assert {m.split("/", 1)[1].split("/")[0] for m in mkdirs} <= {"registry", "events", "dumps", "drivers",
                                                                  "system"}


def test_script_exports_the_keys_and_events_the_exporter_does() -> None:
    text = "\r\n".join(_lines())
    for spec in REG_EXPORTS:
        key = spec.reg_path().replace("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet", "%CCS%")
        key = key.replace("HKEY_LOCAL_MACHINE", "HKLM")
        assert f'call :regexport "{key}" {spec.file}' in text, spec.file
    assert _queried_xpaths() == system_event_selects()


def _queried_xpaths() -> list[str]:
    """The XPath of every `wevtutil qe System /q:"..."` line of the script as the user gets it."""
    return re.findall(r'^wevtutil qe System /q:"([^"]+)" /f:xml >> "!OUT!\\events\\System.xml"',
                      render_collect_cmd().decode("ascii"), re.MULTILINE)


def test_collector_and_live_queries_are_generated_from_the_one_events_table(monkeypatch) -> None:
    # Adding an event is one line in core.events.relevant: both queries must follow it.
    added = SystemEvents("Microsoft-Windows-Example-Provider", (4242,))
    monkeypatch.setattr(relevant, "SYSTEM_EVENTS", (*relevant.SYSTEM_EVENTS, added))
    expected = "*[System[Provider[@Name='Microsoft-Windows-Example-Provider'] and (EventID=4242)]]"
    assert expected in _queried_xpaths()
    assert f">{expected}</Select>" in live_win.structured_query()
    assert len(_queried_xpaths()) == len(relevant.SYSTEM_EVENTS)
    # The aliases the live query knows (the BugCheck source) are in the collector's query too.
    bugcheck = next(x for x in _queried_xpaths() if "EventID=1001" in x)
    assert "@EventSourceName='BugCheck'" in bugcheck and "@Name='Save Dump'" in bugcheck


def test_the_template_holds_no_query_of_its_own() -> None:
    template = (collector_dir() / "collect.cmd").read_bytes().decode("ascii")
    assert "@SYSTEM_EVENT_QUERIES@" in template and "wevtutil qe" not in template


def test_the_collector_copies_exactly_the_files_that_write_a_dump() -> None:
    template = (collector_dir() / "collect.cmd").read_bytes().decode("ascii")
    assert "@DUMP_STACK_FILES@" in template and "diskdump.sys" not in template.lower()
    loop = re.search(r"for %%D in \(([^)]*)\) do", render_collect_cmd().decode("ascii"))
    assert loop is not None
    assert tuple(loop.group(1).split()) == DUMP_STACK_FILES


def _manifest_from_script(computer: str) -> str:
    lines = _lines()
    body = []
    for s in lines:
        m = re.match(r'^>>?"!OUT!\\manifest\.json" echo (.*)$', s.strip())
        if m:
            body.append(m.group(1))
    text = "\r\n".join(body) + "\r\n"
    # What the script's :ascii check lets through (ASCII-only names and dates), as cmd would set them.
    return text.replace("!WHEN_TEXT!", "Tue 05/07/2013 10:00:00.00").replace(
        "!NAME_TEXT!", f"on {computer} by collect.cmd")


def write_collector_folder(folder: Path, machine: Machine) -> Path:
    """A folder exactly as collect.cmd writes one: `reg export` files (UTF-16LE with BOM) with the
    names the script uses, wevtutil's root-less UTF-8 XML, copied minidumps and drivers, the system
    text files and the manifest the script echoes."""
    roots = memory_roots(machine)
    live = roots["SYSTEM"]
    live._subkeys["currentcontrolset"] = live._subkeys["controlset001"]  # as seen on a live system
    source = folder_source(folder, system=live, software=roots["SOFTWARE"])
    (folder / "registry").mkdir(parents=True)
    for reg in collect_reg_files(source, []):
        (folder / "registry" / reg.spec.file).write_bytes(reg_file_bytes(reg, Redactor(enabled=False)))
    (folder / "events").mkdir()
    # One wevtutil query per provider, each appending its root-less output to the same file.
    events = hibernate_crash_d1(at("2011-03-15 08:00:00"))
    providers = list(dict.fromkeys(e.provider for e in events))
    (folder / "events" / "System.xml").write_bytes(b"".join(
        export([e for e in events if e.provider == p]) + b"\r\n" for p in providers))
    _write_minidumps(folder / "dumps" / "Minidump", machine)
    _write_drivers(folder / "drivers", machine)
    (folder / "system").mkdir()
    (folder / "system" / "ver.txt").write_bytes(b"\r\nMicrosoft Windows [Version 6.1.7601]\r\n")
    (folder / "system" / "memory-dmp.txt").write_bytes(b"No memory dump at C:\\Windows\\MEMORY.DMP\r\n")
    (folder / "system" / "collector-log.txt").write_bytes(b"Dump Doctor collector 1 \r\n")
    (folder / "manifest.json").write_bytes(_manifest_from_script("TESTPC").encode("ascii"))
    return folder


def test_script_manifest_is_valid_json() -> None:
    data = json.loads(_manifest_from_script("TESTPC"))
    assert data["format_version"] == 1 and data["tool"] == "collector 1"
    assert data["redacted"]["applied"] is False


def test_collector_folder_is_read_and_diagnosed(tmp_path: Path) -> None:
    machine = Machine()
    folder = write_collector_folder(tmp_path / "DumpDoctor-TESTPC", machine)
    with open_source(folder) as source:
        evidence = scan(source)
        diagnosis = diagnose(evidence)
    assert evidence.registry is not None and evidence.registry.crash_control is not None
    assert evidence.registry.crash_control.crash_dump_enabled == 3
    assert evidence.registry.system is not None and evidence.registry.system.build == 7601
    assert "lsi_sas" in evidence.registry.services
    assert sorted(d.bugcheck.code for d in evidence.dumps if d.bugcheck) == sorted(
        code for _n, code, _t in machine.minidumps)
    assert evidence.timeline is not None and evidence.timeline.unexpected_restarts()
    assert evidence.storage is not None and evidence.storage.diskdump is not None
    assert evidence.storage.diskdump.version == "6.1.7601.17514"
    assert diagnosis.verdicts


def test_save_collector_writes_the_script_byte_for_byte(tmp_path: Path) -> None:
    written = save_collector(tmp_path / "usb" / "collector")
    assert sorted(p.name for p in written) == ["README.txt", "collect.cmd"]
    assert (tmp_path / "usb" / "collector" / "collect.cmd").read_bytes() == render_collect_cmd()
    readme = (tmp_path / "usb" / "collector" / "README.txt").read_text(encoding="ascii")
    assert "Run as administrator" in readme and "What to send" in readme


def test_save_collector_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    from core.errors import UsageError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError):
        save_collector(blocker)


def test_collector_query_stays_within_the_event_log_xpath_limit() -> None:
    # EvtQuery (which wevtutil uses) refuses an XPath with more than 20 expressions unless it is a
    # structured XML query; the collector passes a plain /q: string, so it must stay at 20 or fewer.
    queries = _queried_xpaths()
    assert queries
    for query in queries:
        expressions = xpath_expression_count(query)
        assert expressions <= MAX_XPATH_EXPRESSIONS, f"{expressions} expressions in {query}"
