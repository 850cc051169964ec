"""check_fix: the GDR/LDR rule from the article, one sentence per outcome."""

from __future__ import annotations

import pytest

from core.drivers import check_fix
from core.drivers.model import FixState, PeInfo
from core.registry.model import SystemFacts


def pe(version: str | None) -> PeInfo:
    return PeInfo(path="C:/Windows/System32/drivers/diskdump.sys", machine="x64", bits=64, timestamp=0,
                  file_version=version)


@pytest.mark.parametrize(("version", "state", "branch", "words"), [
    ("6.1.7600.16385", FixState.NOT_FIXED, "GDR", "GDR branch"),
    ("6.1.7600.20881", FixState.NOT_FIXED, "LDR", "older than the fixed 6.1.7600.20882"),
    ("6.1.7600.20882", FixState.FIXED, "LDR", "fix is installed"),
    ("6.1.7600.21000", FixState.FIXED, "LDR", "fix is installed"),
    ("6.0.6002.18005", FixState.NOT_FIXED, "GDR", "GDR branch"),
    ("6.0.6002.22588", FixState.FIXED, "LDR", "fix is installed"),
    ("6.0.6002.22000", FixState.NOT_FIXED, "LDR", "older than the fixed 6.0.6002.22588"),
    ("6.0.6003.20489", FixState.FIXED, "LDR", "inference"),
    ("6.0.6001.18000", FixState.NOT_COVERED, "GDR", "Service Pack 2 first"),
    ("6.1.7601.17514", FixState.NOT_COVERED, "GDR", "fix status is unknown"),
    ("6.1.7601.24000", FixState.NOT_COVERED, "LDR", "not covered by the article"),
    ("10.0.19041.1", FixState.NOT_COVERED, None, "does not cover"),
    ("6.1.7600.100", FixState.UNKNOWN, None, "outside the GDR"),
])
def test_diskdump_versions(version, state, branch, words):
    result = check_fix("Diskdump.sys", pe(version), SystemFacts(major=6, minor=1, build=7600))
    assert result.state == state
    assert result.branch == branch
    assert result.version == version
    assert words in result.message
    assert version in result.message


def test_ldr_revision_of_one_build_is_not_compared_with_another_build():
    # 6.1.7601.20000 is above 6.1.7600.20882's revision but belongs to another build
    result = check_fix("diskdump.sys", pe("6.1.7601.22000"), None)
    assert result.state != FixState.FIXED
    assert result.fixed_version is None


def test_missing_file_is_unknown_and_mentions_windows_version():
    result = check_fix("diskdump.sys", None, SystemFacts(major=6, minor=1, build=7600, revision=16385))
    assert result.state == FixState.UNKNOWN
    assert "could not be read" in result.message and "6.1.7600" in result.message


def test_no_version_resource_is_unknown():
    result = check_fix("diskdump.sys", pe(None), None)
    assert result.state == FixState.UNKNOWN
    assert "no readable version" in result.message


def test_crashdmp_is_reported_for_information_only():
    result = check_fix("crashdmp.sys", pe("6.1.7600.16385"), None)
    assert result.state == FixState.UNKNOWN
    assert result.fixed_version is None
    assert "names no fixed Crashdmp.sys version" in result.message
    assert "6.1.7600.16385" in result.message


def test_fixed_versions_and_covered_builds_come_from_the_knowledge_data(monkeypatch):
    # known_issues.json is the one place the article's versions live: change it and the check follows.
    import copy

    from core.drivers import fix_check
    from core.resources import load_json

    data = copy.deepcopy(load_json(*fix_check.KNOWLEDGE_FILE))
    issue = next(i for i in data["issues"] if i.get("fixed_file") == "diskdump.sys")
    issue["builds"]["7600"]["fixed_version"] = "6.1.7600.21000"
    issue["builds"]["7601"] = {"coverage": "covered", "os": "Windows 7 SP1",
                               "fixed_version": "6.1.7601.23000"}
    monkeypatch.setattr(fix_check, "load_json", lambda *parts: data)
    fix_check.fix_builds.cache_clear()
    try:
        assert check_fix("diskdump.sys", pe("6.1.7600.20882"), None).state == FixState.NOT_FIXED
        sp1 = check_fix("diskdump.sys", pe("6.1.7601.23001"), None)
        assert sp1.state == FixState.FIXED and sp1.fixed_version == "6.1.7601.23000"
        assert "6.1.7601" in check_fix("diskdump.sys", pe("10.0.19041.1"), None).message
    finally:
        fix_check.fix_builds.cache_clear()


def test_a_file_that_is_not_in_the_evidence_is_not_called_unreadable(tmp_path):
    """A SYSTEM hive alone said "Diskdump.sys could not be read": nothing was tried, the file was not
    given. Only a file that was there and failed is "could not be read"."""
    from core.scan import scan
    from core.sources import open_source
    from tests.builders.offline_root import write_offline_root

    result = check_fix("diskdump.sys", None, None, absent=True)
    assert result.state == FixState.UNKNOWN
    assert "Diskdump.sys was not in the evidence" in result.message
    assert "could not be read" not in result.message
    layout = write_offline_root(tmp_path / "vol")
    (layout.windows / "system32" / "DRIVERS" / "diskdump.sys").unlink()
    with open_source(tmp_path / "vol") as source:
        ev = scan(source)
    assert ev.storage is not None and ev.storage.diskdump is not None
    assert "was not in the evidence" in ev.storage.diskdump.message
