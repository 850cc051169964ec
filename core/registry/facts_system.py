"""Windows version, edition, role, architecture and name (SOFTWARE CurrentVersion + SYSTEM Control)."""

from __future__ import annotations

import re

from core.registry.facts_common import ref
from core.registry.keys import RegKey
from core.registry.model import SystemFacts

_ARCH = {"amd64": "x64", "x86": "x86", "arm64": "ARM64", "ia64": "IA64", "arm": "ARM"}


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None


def read_system_facts(system_cs: RegKey | None, cs_name: str | None,
                      software: RegKey | None) -> SystemFacts | None:
    facts = SystemFacts(control_set=cs_name)
    found = False
    cv = software.subkey(r"Microsoft\Windows NT\CurrentVersion") if software is not None else None
    if cv is not None:
        found = True
        facts.refs.append(ref(cv))
        facts.product_name = cv.get_str("ProductName")
        facts.major = cv.get_int("CurrentMajorVersionNumber")  # Windows 10+; CurrentVersion says 6.3
        facts.minor = cv.get_int("CurrentMinorVersionNumber")
        if facts.major is None:
            version = cv.get_str("CurrentVersion") or ""
            match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", version)
            if match:
                facts.major, facts.minor = int(match.group(1)), int(match.group(2))
        facts.build = _int(cv.get_str("CurrentBuildNumber")) or _int(cv.get_str("CurrentBuild"))
        facts.revision = cv.get_int("UBR")
        facts.csd_version = cv.get_str("CSDVersion") or None
        if facts.csd_version:
            facts.service_pack = _int(re.sub(r"(?i)^\D*", "", facts.csd_version))
        elif facts.build is not None:
            facts.service_pack = 0
        facts.edition = cv.get_str("EditionID")
        facts.installation_type = cv.get_str("InstallationType")
    if system_cs is not None:
        options = system_cs.subkey(r"Control\ProductOptions")
        product_type = options.get_str("ProductType") if options is not None else None
        if options is not None and product_type:
            found = True
            facts.refs.append(ref(options, "ProductType", product_type))
            facts.is_server = product_type.casefold() in {"servernt", "lanmannt"}
        env = system_cs.subkey(r"Control\Session Manager\Environment")
        arch = env.get_str("PROCESSOR_ARCHITECTURE") if env is not None else None
        if env is not None and arch:
            found = True
            facts.refs.append(ref(env, "PROCESSOR_ARCHITECTURE", arch))
            facts.architecture = _ARCH.get(arch.casefold(), arch)
        names = system_cs.subkey(r"Control\ComputerName\ComputerName")
        computer = names.get_str("ComputerName") if names is not None else None
        if names is not None and computer:
            found = True
            facts.refs.append(ref(names, "ComputerName"))
            facts.computer_name = computer
        windows = system_cs.subkey(r"Control\Windows")
        csd = windows.get_int("CSDVersion") if windows is not None else None
        if facts.service_pack is None and windows is not None and csd is not None:
            found = True
            facts.service_pack = (csd >> 8) & 0xFF  # 0x100 = Service Pack 1
            facts.refs.append(ref(windows, "CSDVersion", hex(csd)))
    if facts.is_server is None and facts.installation_type:
        facts.is_server = facts.installation_type.casefold().startswith("server")
    return facts if found or cs_name else None
