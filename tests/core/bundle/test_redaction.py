"""Redacted bundles must not contain the user's identifiers anywhere, in any encoding."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from core.bundle.export import BundleOptions, export_bundle
from core.bundle.redact import _PIECE, Redactor
from tests.core.bundle.fakes import COMPUTER, DOMAIN, MAC, SID, USER, personal_source

SECRETS = [USER, COMPUTER, DOMAIN, SID, MAC, "Jane Q. Doeprivate", "0019E06B9C85F9A0F7A10B12",
           "00371-OEM-8992671-00524", MAC.replace("-", "")]


def _encodings(text: str) -> list[bytes]:
    out = []
    for variant in {text, text.lower(), text.upper()}:
        out += [variant.encode("utf-8"), variant.encode("utf-16-le"),
                variant.encode("utf-8").hex().encode(),  # as .reg hex bytes without commas
                ",".join(f"{b:02x}" for b in variant.encode("utf-16-le")).encode()]  # .reg hex(2)
    return out


def _leaks(bundle: Path) -> list[str]:
    found = []
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            folded = data.lower()
            for secret in SECRETS:
                if any(enc.lower() in folded for enc in _encodings(secret)):
                    found.append(f"{info.filename}: {secret}")
            for secret in SECRETS:
                if secret.lower() in info.filename.lower():
                    found.append(f"member name {info.filename}: {secret}")
    return found


def test_redacted_bundle_holds_no_original_identifier(tmp_path: Path) -> None:
    source, evidence = personal_source(tmp_path)
    dest = tmp_path / "out.zip"
    result = export_bundle(source, evidence, None, dest, BundleOptions(redact=True))
    assert _leaks(dest) == []
    redacted = result.manifest.redacted
    assert redacted.applied
    for kind in ("user", "computer", "domain", "sid", "mac", "serial", "owner"):
        assert kind in redacted.kinds, kind
    assert redacted.count > 0
    with zipfile.ZipFile(dest) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        crash = zf.read("registry/CrashControl.reg").decode("utf-16")
        services = zf.read("registry/Services.reg").decode("utf-16")
        events = zf.read("events/System.xml").decode("utf-8")
    # Redaction keeps the evidence usable: the same token everywhere, structure untouched.
    assert '"Description"="adapter MAC1 owned by SID1"' in services
    assert "<Computer>COMPUTER1.DOMAIN1</Computer>" in events and "USER1" in events
    assert "<EventID>41</EventID>" in events and "crashdumpenabled" in crash.lower()
    assert manifest["redacted"]["applied"] is True
    assert "dumps/Minidump/040612-01.dmp" in names
    # Dumps are binary and kept: the manifest must say they may still hold names.
    assert any("040612-01.dmp" in note and "not redacted" in note for note in redacted.not_redacted)


def test_unredacted_bundle_keeps_identifiers(tmp_path: Path) -> None:
    """Guards the leak test above: without redaction the same checks do find the names."""
    source, evidence = personal_source(tmp_path)
    dest = tmp_path / "plain.zip"
    export_bundle(source, evidence, None, dest, BundleOptions(redact=False))
    leaks = " ".join(_leaks(dest))
    for secret in (USER, COMPUTER, DOMAIN, SID):
        assert secret in leaks


def test_minidumps_can_be_left_out(tmp_path: Path) -> None:
    # Redaction rewrites text, not the memory inside a dump: a user who wants no memory contents in
    # the bundle leaves the minidumps out, and the manifest says so.
    source, evidence = personal_source(tmp_path)
    dest = tmp_path / "nodumps.zip"
    result = export_bundle(source, evidence, None, dest,
                           BundleOptions(redact=True, include_minidumps=False))
    with zipfile.ZipFile(dest) as zf:
        assert not [n for n in zf.namelist() if n.startswith("dumps/Minidump/")]
    assert any("040612-01.dmp" in x.what and "left out as asked" in x.why for x in result.left_out)


def test_same_original_gets_same_token_everywhere() -> None:
    r = Redactor()
    a = r.text(r"C:\Users\alice\Desktop and C:\Documents and Settings\alice\x")
    b = r.text(r'{"path": "C:\\Users\\Alice\\AppData", "other": "C:\\Users\\bob\\y"}')
    assert a == r"C:\Users\USER1\Desktop and C:\Documents and Settings\USER1\x"
    assert b == r'{"path": "C:\\Users\\USER1\\AppData", "other": "C:\\Users\\USER2\\y"}'


def test_well_known_names_and_sids_are_kept() -> None:
    r = Redactor()
    text = r"C:\Users\Public\x C:\Users\Default\y S-1-5-18 S-1-5-32-544 C:\Windows\System32"
    assert r.text(text) == text


def test_identifier_inside_a_longer_word_is_kept() -> None:
    r = Redactor()
    r.learn("computer", "PC42")
    text = r.text("PC42 and PC42.corp and XPC42 and PC420")
    assert text == "COMPUTER1 and COMPUTER1.corp and XPC42 and PC420"


def test_identifiers_anywhere_in_a_long_report_are_replaced() -> None:
    """A report of thousands of drivers is matched in pieces (so the window keeps turning); an
    identifier right at a piece's edge, deep in the text or on a very long line, is still found."""
    secrets = (r"C:\Users\alice\AppData", "S-1-5-21-1004336348-1177238915-682003330-1001",
               "00-1A-2B-3C-4D-5E")
    filler = "stor00001.sys 1.0.0.1 Vendor physical\n"
    lines = (filler * (3 * _PIECE // len(filler))).splitlines(keepends=True)
    html_line = "<td>x</td>" * (2 * _PIECE // 10)  # one long line cut only at ">"
    for at in range(len(lines) // 3 - 2, len(lines) // 3 + 2):  # around the first piece edge
        text = "".join(lines[:at]) + " ".join(secrets) + "\n" + "".join(lines[at:])
        text += html_line + "<td>" + " ".join(secrets) + "</td>" + html_line + " ".join(secrets)
        out = Redactor().text(text)
        assert "alice" not in out and "S-1-5-21-1004336348" not in out and "00-1A-2B" not in out
        assert out.count("USER1") == 3 and out.count("SID1") == 3 and out.count("MAC1") == 3
        assert len(out.splitlines()) == len(text.splitlines())
