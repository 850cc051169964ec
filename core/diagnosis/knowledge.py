"""Known issues as reviewed data (resources/knowledge/known_issues.json), loaded into typed objects.

Adding the next known issue is a new entry in the JSON plus, at most, a predicate registered by name
in core.diagnosis.rules. The loader checks the file's shape so a bad edit fails loudly in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from core.errors import FormatError
from core.resources import load_json, resource_path

KNOWLEDGE_FILE = ("knowledge", "known_issues.json")
COVERAGES = {"covered", "needs-prerequisite", "unknown", "cannot-hit"}
# "primary": the known issue this tool exists for (exactly one); its verdict is always `Diagnosis.verdict`
# and, with the readiness verdict and the findings, decides the outcome. "secondary": another article
# about the same dump stack, shown in full only when it matches or is at risk (core.diagnosis.engine).
ROLES = {"primary", "secondary"}


@dataclass(frozen=True)
class BuildCoverage:
    build: int
    coverage: str  # one of COVERAGES; builds not listed are "not-covered"
    os: str
    fixed_version: str | None = None
    prerequisite: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class KnownIssue:
    id: str
    predicate: str
    short_name: str
    title: str
    link: str
    kb_number: str | None
    kb_number_note: str
    bugcheck_code: int | None
    bugcheck_name: str | None
    fixed_file: str | None
    builds: dict[int, BuildCoverage]
    known_virtual_miniports: dict[str, str]  # lower-case file name -> product
    wording: dict[str, Any]
    next_steps: dict[str, dict[str, str]]
    role: str = "secondary"  # one of ROLES
    # Hibernation writes through the same path, so hibernating can trigger the issue: when its verdict is
    # a problem, the "hibernation-on-affected" finding and the readiness hibernation check name it.
    hibernation_triggers: bool = False

    @property
    def primary(self) -> bool:
        return self.role == "primary"

    def coverage(self, build: int) -> BuildCoverage | None:
        return self.builds.get(build)

    def reason_text(self, reason: str) -> str:
        reasons: dict[str, str] = self.wording.get("reasons", {})
        return reasons.get(reason, reason)

    def verdict_text(self, verdict: str, key: str) -> str:
        block: dict[str, str] = self.wording.get(verdict, {})
        return block.get(key, "")


@dataclass(frozen=True)
class Knowledge:
    version: str
    issues: list[KnownIssue] = field(default_factory=list)

    @property
    def primary(self) -> KnownIssue:
        return next(i for i in self.issues if i.primary)

    def issue(self, issue_id: str) -> KnownIssue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)


def _require(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind):
        raise FormatError(f"{where}: '{key}' is missing or not a {kind.__name__}",
                          path=resource_path(*KNOWLEDGE_FILE), expected=f"a {kind.__name__}")
    return value


def _role(raw: dict[str, Any], where: str) -> str:
    role = raw.get("role", "secondary")
    if role not in ROLES:
        raise FormatError(f"{where}: bad role {role!r}", path=resource_path(*KNOWLEDGE_FILE),
                          expected=f"one of {sorted(ROLES)}")
    return str(role)


def parse_knowledge(data: Any) -> Knowledge:
    """Check and convert the knowledge file's JSON (raises FormatError naming the bad entry)."""
    if not isinstance(data, dict) or data.get("format_version") != 1:
        raise FormatError("unsupported knowledge file", path=resource_path(*KNOWLEDGE_FILE),
                          expected="format_version 1")
    issues = []
    for index, raw in enumerate(_require(data, "issues", list, "knowledge")):
        where = f"issues[{index}]"
        if not isinstance(raw, dict):
            raise FormatError(f"{where} is not an object", path=resource_path(*KNOWLEDGE_FILE))
        builds: dict[int, BuildCoverage] = {}
        for build_text, b in _require(raw, "builds", dict, where).items():
            if not build_text.isdigit() or b.get("coverage") not in COVERAGES:
                raise FormatError(f"{where}: bad build entry {build_text!r}",
                                  path=resource_path(*KNOWLEDGE_FILE),
                                  expected=f"a build number with coverage in {sorted(COVERAGES)}")
            builds[int(build_text)] = BuildCoverage(
                int(build_text), b["coverage"], str(b.get("os", "")), b.get("fixed_version"),
                b.get("prerequisite"), b.get("note"))
        issues.append(KnownIssue(
            id=_require(raw, "id", str, where),
            predicate=_require(raw, "predicate", str, where),
            short_name=_require(raw, "short_name", str, where),
            title=_require(raw, "title", str, where),
            link=_require(raw, "link", str, where),
            kb_number=raw.get("kb_number"),
            kb_number_note=str(raw.get("kb_number_note", "")),
            bugcheck_code=raw.get("bugcheck_code"),
            bugcheck_name=raw.get("bugcheck_name"),
            fixed_file=raw.get("fixed_file"),
            builds=builds,
            known_virtual_miniports={m["file"].lower(): m["product"]
                                     for m in raw.get("known_virtual_miniports", [])},
            wording=_require(raw, "wording", dict, where),
            next_steps=_require(raw, "next_steps", dict, where),
            role=_role(raw, where),
            hibernation_triggers=bool(raw.get("hibernation_triggers", False)),
        ))
    primaries = [i.id for i in issues if i.primary]
    if len(primaries) != 1:
        raise FormatError(f"knowledge: {len(primaries)} issues have role 'primary' ({', '.join(primaries)})",
                          path=resource_path(*KNOWLEDGE_FILE), expected="exactly one primary known issue")
    return Knowledge(version=str(data.get("knowledge_version", "")), issues=issues)


@cache
def load_knowledge() -> Knowledge:
    return parse_knowledge(load_json(*KNOWLEDGE_FILE))
