"""Words a helpdesk engineer reads (issue 16, points 7 and 9): no contradiction for empty input, no
"in this bundle" for loose files, dates instead of "recently", report columns that do not break
words, driver kinds in words instead of ids."""

from __future__ import annotations

from pathlib import Path

from core.diagnosis import diagnose
from core.report import render_html, render_text
from core.resources import resource_path
from core.scan import scan
from core.sources import open_source


def test_loose_files_are_not_called_a_bundle(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    with open_source([f, tmp_path / "notes.txt"][:1]) as source:
        messages = [m.message for m in source.missing]
    assert messages and all("bundle" not in m for m in messages)
    assert any("among the files chosen" in m for m in messages)


def test_empty_folder_says_nothing_readable_was_found_not_every_file_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with open_source(str(tmp_path / "empty")) as source:
        ev = scan(source)
    diag = diagnose(ev)
    text = render_text(diag, ev)
    assert "The evidence could not be read." in text
    assert "Every file could be read." not in text
    assert "No file that Dump Doctor reads was found." in text


def test_demo_report_dates_crashes_and_uses_words_for_driver_kinds() -> None:
    with open_source(str(resource_path("demo"))) as source:
        ev = scan(source)
    diag = diagnose(ev)
    crashes = next((f for f in diag.findings if f.id == "recent-bugchecks"), None)
    assert crashes is not None and crashes.headline.endswith("1 time on 4 March 2011.")
    text = render_text(diag, ev)
    html = render_html(diag, ev)
    for internal in ("classified as", "storport-virtual", "dump-stack"):
        assert internal not in text
    assert "Virtual Storport miniport" in text
    # narrow columns wrap between words and after path separators, never inside a word
    assert "word-break:break-word" not in html and "overflow-wrap:break-word" in html
    assert "\\<wbr>" in html or "/<wbr>" in html
