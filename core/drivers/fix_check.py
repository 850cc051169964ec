"""Does this Diskdump.sys contain the fix for the 0xD1 dump/hibernation crash? (FACTS §1, §2)

Which builds the article covers and the fixed version for each are data: the known issue's "builds"
in resources/knowledge/known_issues.json (the entry whose fixed_file is diskdump.sys), never numbers
here. Versions are only comparable within the same major.minor.build; the revision tells the branch
(16384–20479 GDR, 20480–24575 LDR), and a GDR file never contains an LDR-only hotfix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core.drivers.model import FixCheck, FixState, PeInfo
from core.evidence_ref import EvidenceRef
from core.registry.model import SystemFacts
from core.resources import load_json

KNOWLEDGE_FILE = ("knowledge", "known_issues.json")
FIXED_FILE = "diskdump.sys"
GDR_RANGE = range(16384, 20480)
LDR_RANGE = range(20480, 24576)
PREREQUISITE_WORDS = {"sp2": "Service Pack 2"}


@dataclass(frozen=True)
class BuildFix:
    """One build as the known issue's data describes it."""

    coverage: str  # "covered" | "needs-prerequisite" | "unknown" | "cannot-hit"
    os: str
    fixed: tuple[int, int, int, int] | None = None
    prerequisite: str | None = None


@cache
def fix_builds(file_name: str = FIXED_FILE) -> dict[int, BuildFix]:
    """The builds of the first known issue whose fixed file is `file_name` (empty when none)."""
    data = load_json(*KNOWLEDGE_FILE)
    for issue in data.get("issues", []):
        if str(issue.get("fixed_file") or "").lower() != file_name:
            continue
        return {int(build): BuildFix(str(b.get("coverage", "unknown")), str(b.get("os", "")),
                                     parse_version(b.get("fixed_version")), b.get("prerequisite"))
                for build, b in issue.get("builds", {}).items()}
    return {}


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


def check_fix(file_name: str, pe: PeInfo | None, system: SystemFacts | None, *,
              absent: bool = False) -> FixCheck:
    """Judge one dump-stack file against the article. Crashdmp.sys gets its version reported only:
    the article names no fixed Crashdmp.sys version. `absent`: the file was not in the evidence at all
    (nothing failed to read it)."""
    name = file_name.lower()
    display = {"crashdmp.sys": "Crashdmp.sys", "diskdump.sys": "Diskdump.sys"}.get(name, file_name)
    if pe is None:
        what = "was not in the evidence" if absent else "could not be read"
        return FixCheck(name, None, None, None, FixState.UNKNOWN,
                        f"{display} {what}, so whether the fix is installed is unknown"
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
    entry = fix_builds().get(build)
    fixed_version = entry.fixed if entry is not None else None
    if entry is None or (fixed_version is not None and fixed_version[:2] != (major, minor)):
        covered = sorted({f[:3] for f in (b.fixed for b in fix_builds().values()) if f is not None})
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from a Windows build the article does not cover "
                        f"(it covers {' and '.join('.'.join(map(str, c)) for c in covered)}).", ref)
    if entry.coverage == "cannot-hit":
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from {entry.os} (build {build}), which predates the virtual "
                        "miniport interface; the article does not cover it.", ref)
    if entry.coverage == "needs-prerequisite":
        needs = PREREQUISITE_WORDS.get(entry.prerequisite or "", entry.prerequisite or "an update")
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from {entry.os} (build {build}). The fix needs {needs} "
                        "first; this build is not covered by the article.", ref)
    if fixed_version is None:
        return FixCheck(name, text, branch, None, FixState.NOT_COVERED,
                        f"{display} {text} is from {entry.os} (build {build}). This build is not covered "
                        "by the article; its fix status is unknown.", ref)
    fixed = ".".join(map(str, fixed_version))
    fixed_rev = fixed_version[3]
    if fixed_version[2] != build:  # a later build that continues the fixed build's line (6003 → 6002)
        if branch == "LDR":
            return FixCheck(name, text, branch, fixed, FixState.FIXED,
                            f"{display} {text} is from build {build}, which continues the "
                            f"{fixed_version[2]} LDR line that contains the fix ({fixed}). This is an "
                            f"inference: the article predates build {build}.", ref)
        return FixCheck(name, text, branch, fixed, FixState.UNKNOWN,
                        f"{display} {text} is from build {build} but not on the LDR branch; whether it "
                        "holds the fix is unknown.", ref)
    if branch == "LDR" and revision >= fixed_rev:
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
