"""Does this Diskdump.sys contain the fix for the 0xD1 dump/hibernation crash? (FACTS §1, §2)

The article fixes Diskdump.sys in the LDR branch: 6.0.6002.22588 (Vista / Server 2008 SP2) and
6.1.7600.20882 (Windows 7 / Server 2008 R2 RTM). Versions are only comparable within the same
major.minor.build; the revision tells the branch (16384–20479 GDR, 20480–24575 LDR), and a GDR file
never contains an LDR-only hotfix.
"""

from __future__ import annotations

from core.drivers.model import FixCheck, FixState, PeInfo
from core.evidence_ref import EvidenceRef
from core.registry.model import SystemFacts

FIXED_DISKDUMP: dict[tuple[int, int, int], int] = {(6, 0, 6002): 22588, (6, 1, 7600): 20882}
GDR_RANGE = range(16384, 20480)
LDR_RANGE = range(20480, 24576)
ARTICLE = "the Microsoft article on Stop 0xD1 with virtual Storport miniports"


def parse_version(text: str | None) -> tuple[int, int, int, int] | None:
    if not text:
        return None
    parts = text.strip().split(".")
    if len(parts) != 4:
        return None
    try:
        a, b, c, d = (int(p) for p in parts)
    except ValueError:
        return None
    return a, b, c, d


def branch_of(revision: int) -> str | None:
    if revision in GDR_RANGE:
        return "GDR"
    if revision in LDR_RANGE:
        return "LDR"
    return None


def _system_words(system: SystemFacts | None) -> str:
    if system is None or system.build is None:
        return ""
    return f" (this Windows is {system.version_text})"


def check_fix(file_name: str, pe: PeInfo | None, system: SystemFacts | None) -> FixCheck:
    """Judge one dump-stack file against the article. Crashdmp.sys gets its version reported only:
    the article names no fixed Crashdmp.sys version."""
    name = file_name.lower()
    display = {"crashdmp.sys": "Crashdmp.sys", "diskdump.sys": "Diskdump.sys"}.get(name, file_name)
    if pe is None:
        return FixCheck(name, None, None, None, FixState.UNKNOWN,
                        f"{display} could not be read, so whether the fix is installed is unknown"
                        f"{_system_words(system)}.")
    ref = EvidenceRef("file", pe.path, f"FileVersion {pe.file_version}" if pe.file_version else "no version")
    version = parse_version(pe.file_version)
    if version is None:
        return FixCheck(name, pe.file_version, None, None, FixState.UNKNOWN,
                        f"{display} has no readable version resource, so whether the fix is installed "
                        "is unknown.", ref)
    major, minor, build, revision = version
    branch = branch_of(revision)
    branch_words = f"{branch} branch" if branch else "a revision outside the GDR/LDR ranges"
    text = pe.file_version
    if name == "crashdmp.sys":
        return FixCheck(name, text, branch, None, FixState.UNKNOWN,
                        f"Crashdmp.sys is version {text} ({branch_words}). The article names no fixed "
                        "Crashdmp.sys version (it lists only Diskdump.sys), so this is for information.",
                        ref)
    key = (major, minor, build)
    if key == (6, 0, 6003):
        fixed_rev = FIXED_DISKDUMP[(6, 0, 6002)]
        if branch == "LDR":
            return FixCheck(name, text, branch, f"6.0.6002.{fixed_rev}", FixState.FIXED,
                            f"{display} {text} is from build 6003, which continues the 6002 LDR line "
                            "that contains the fix (6.0.6002.22588). This is an inference: the article "
                            "predates build 6003.", ref)
        return FixCheck(name, text, branch, f"6.0.6002.{fixed_rev}", FixState.UNKNOWN,
                        f"{display} {text} is from build 6003 but not on the LDR branch; whether it holds "
                        "the fix is unknown.", ref)
    if key == (6, 0, 6001):
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from Vista SP1 / Server 2008 RTM (build 6001). The fix needs "
                        "Service Pack 2 first; this build is not covered by the article.", ref)
    if key == (6, 0, 6000):
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from Vista RTM (build 6000), which predates the virtual "
                        "miniport interface; the article does not cover it.", ref)
    if key == (6, 1, 7601):
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from Windows 7 / Server 2008 R2 SP1 (build 7601). This "
                        "build is not covered by the article; its fix status is unknown.", ref)
    fixed_rev_or_none = FIXED_DISKDUMP.get(key)
    if fixed_rev_or_none is None:
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from a Windows build the article does not cover "
                        f"(it covers 6.0.6002 and 6.1.7600).", ref)
    fixed = f"{major}.{minor}.{build}.{fixed_rev_or_none}"
    if branch == "LDR" and revision >= fixed_rev_or_none:
        return FixCheck(name, text, branch, fixed, FixState.FIXED,
                        f"{display} {text} is on the LDR branch at or after the fixed version {fixed}: "
                        "the fix is installed.", ref)
    if branch == "LDR":
        return FixCheck(name, text, branch, fixed, FixState.NOT_FIXED,
                        f"{display} {text} is an LDR version older than the fixed {fixed}: the fix is "
                        "not installed.", ref)
    if branch == "GDR":
        return FixCheck(name, text, branch, fixed, FixState.NOT_FIXED,
                        f"{display} {text} is on the GDR branch, which does not contain this hotfix "
                        f"(fixed in LDR {fixed}): the fix is not installed.", ref)
    return FixCheck(name, text, None, fixed, FixState.UNKNOWN,
                    f"{display} {text} has a revision outside the GDR (16384–20479) and LDR (20480–24575) "
                    "ranges, so its branch and fix status are unknown.", ref)
