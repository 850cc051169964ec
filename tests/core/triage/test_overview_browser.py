"""The HTML overview in a real browser: its script runs, the verdict filter hides rows, and a click on a
header sorts. Skipped (with the reason) where no headless Chromium is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.triage.row import TriageRow
from core.triage.writers import render_overview

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

PROBE = """<script>
var box=document.querySelector('input[data-verdict="error"]');box.checked=false;
box.dispatchEvent(new Event('change'));
var th=document.querySelectorAll('#machines th')[0];th.click();
var names=Array.prototype.map.call(document.querySelectorAll('#machines tbody tr'),
  function(r){return (r.hidden?'-':'')+r.cells[0].textContent;});
document.body.setAttribute('data-probe',document.getElementById('shown').textContent+'|'+names.join(','));
</script></body>"""


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium here (apt-get install chromium)")
def test_filter_and_sort_work_in_a_browser(tmp_path: Path) -> None:
    rows = [TriageRow("c.zip", computer_name="PC-C", verdict="not-this-issue", outcome="ok"),
            TriageRow("bad.zip", verdict="error", problems=["not a zip"]),
            TriageRow("a.zip", computer_name="PC-A", verdict="matches", outcome="problem"),
            TriageRow("b.zip", computer_name="PC-B", verdict="cant-tell", outcome="cant-tell")]
    page = tmp_path / "overview.html"
    page.write_text(render_overview(rows, [None] * len(rows)).replace("</body>", PROBE), encoding="utf-8")
    assert BROWSER is not None
    out = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120)
    probe = re.search(r'data-probe="([^"]*)"', out.stdout)
    assert probe, out.stderr[-2000:]
    shown, names = probe[1].split("|")
    assert shown == "3"  # the error row is filtered out
    # First shown most urgent first (PC-A, PC-B, PC-C, bad.zip); the click sorts by computer name.
    assert names.split(",") == ["-bad.zip", "PC-A", "PC-B", "PC-C"]
