"""collect.cmd read as cmd.exe runs it (issue #19, item 11), and run under Wine's cmd when Wine is
installed: from a folder whose name holds spaces, parentheses, "&" and "!", unattended, to the end,
writing a folder Dump Doctor reads with a UTF-8 manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.bundle.collector import collector_dir, collector_file_bytes, save_collector
from core.sources import open_source

SCRIPT = collector_dir() / "collect.cmd"


def _text() -> str:
    """The script as the user gets it (the event queries rendered into the template)."""
    return collector_file_bytes("collect.cmd").decode("ascii")


def test_sysnative_relaunch_keeps_quoted_arguments() -> None:
    # cmd /c strips the first and the last quote of its command line; without the outer pair a quoted
    # script path followed by quoted arguments arrives broken.
    assert '\\Sysnative\\cmd.exe" /c ""%~f0" %*"' in _text()


def test_paths_never_pass_through_delayed_expansion_as_percent_variables() -> None:
    code = [line for line in _text().split("\r\n") if not line.lstrip().lower().startswith("rem")]
    before = "\r\n".join(code[: next(i for i, s in enumerate(code) if "EnableDelayedExpansion" in s)])
    assert "%~dp0" in before and "pushd" in before  # the script's folder is entered before
    after = "\r\n".join(code[next(i for i, s in enumerate(code) if "EnableDelayedExpansion" in s):])
    # :say_folder alone reads %OUT%, inside its own DisableDelayedExpansion.
    shown = re.search(r":say_folder\r\nsetlocal DisableDelayedExpansion\r\n.*?goto :eof", after, re.S)
    assert shown is not None
    after = after.replace(shown.group(0), "")
    assert "%~dp0" not in after and "%OUT%" not in after and "%LOG%" not in after


def test_relocated_system_log_is_measured_where_windows_keeps_it() -> None:
    text = _text()
    assert 'call :regvalue "HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\System" File' in text
    assert 'for %%F in ("!EVTX_FILE!") do set "EVTX_SIZE=%%~zF"' in text


def test_unattended_switch_skips_every_pause() -> None:
    pauses = [line.strip() for line in _text().split("\r\n") if re.search(r"\bpause\b", line, re.I)
              and not line.strip().lower().startswith("rem")]
    assert pauses and all(p == 'if "!PAUSE_AT_END!"=="1" pause' for p in pauses)
    assert '"%%~A"=="/unattended" set "PAUSE_AT_END=0"' in _text()


def test_dedicated_dump_file_and_live_kernel_reports_are_collected() -> None:
    text = _text()
    assert "DedicatedDumpFile" in text and "call :copysmall" in text
    assert 'for /r "%SystemRoot%\\LiveKernelReports" %%F in (*.dmp)' in text


def test_whea_events_are_filtered_by_level_as_the_live_query_does() -> None:
    whea = [line for line in _text().split("\r\n") if "WHEA-Logger" in line and "wevtutil" in line]
    assert whea and all("Level<=2" in line for line in whea)


def test_rendered_queries_write_through_delayed_expansion_only() -> None:
    queries = [line for line in _text().split("\r\n") if line.startswith(("wevtutil qe", "type nul"))]
    assert queries and all('"!OUT!\\events\\System.xml"' in q for q in queries)
    assert not [q for q in queries if "%OUT%" in q or "%LOG%" in q]


def test_manifest_from_an_older_collector_in_the_oem_code_page_is_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "DumpDoctor-X"
    folder.mkdir()
    manifest = ('{"format_version": 1, "tool": "collector 1", "source": "collected on B\u00dcRO-PC by '
                'collect.cmd", "files": []}')
    (folder / "manifest.json").write_bytes(manifest.encode("cp850"))
    with open_source(folder) as source:
        assert "collected on B\ufffdRO-PC" in source.description
        assert any("not valid UTF-8" in p.message for p in source.problems)


WINE = shutil.which("wine")


@pytest.mark.skipif(WINE is None, reason="Wine is not installed; the static checks above still run")
def test_runs_to_the_end_under_wine_from_a_hostile_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "Support! (x86) & Co"
    save_collector(folder)
    env = dict(os.environ, WINEDEBUG="-all",
               WINEPREFIX=os.environ.get("DUMPDOCTOR_WINEPREFIX", str(tmp_path / "prefix")))
    assert WINE is not None
    done = subprocess.run([WINE, "cmd", "/c", "collect.cmd", "/unattended"], cwd=folder, env=env,
                          capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, out
    assert "[5/5]" in out and "Done. Send the whole folder" in out
    (written,) = [p for p in folder.iterdir() if p.name.startswith("DumpDoctor-")]
    assert (written / "events" / "System.xml").exists()
    manifest = json.loads((written / "manifest.json").read_bytes().decode("utf-8"))
    assert manifest["tool"] == "collector 1"
    assert (written / "registry" / "CrashControl.reg").exists() or (written / "registry").is_dir()
    with open_source(written) as source:
        assert "collect.cmd" in source.description
