"""Generate the Windows version resource from the package version (as Picard and Electrum do), so the
exe's Properties → Details always agree with `dumpdoctor --version`."""

from __future__ import annotations

import re

from core.version import __version__

COMPANY = "Dump Doctor project"
PRODUCT = "Dump Doctor"


def version_tuple(version: str = __version__) -> tuple[int, int, int, int]:
    """'1.2.3' / '1.2.3rc1' / '1.2' → (1, 2, 3, 0): Windows wants four 16-bit numbers."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    numbers += [0] * (4 - len(numbers))
    if any(n > 0xFFFF for n in numbers):
        raise ValueError(f"version part too large for a Windows version resource: {version}")
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_info_text(file_description: str, original_filename: str, version: str = __version__) -> str:
    """The VSVersionInfo source text PyInstaller's EXE(version=...) reads."""
    vt = version_tuple(version)
    dotted = ".".join(str(n) for n in vt)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": file_description,
        "FileVersion": dotted,
        "InternalName": original_filename.rsplit(".", 1)[0],
        "LegalCopyright": "MIT licence",
        "OriginalFilename": original_filename,
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    entries = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={vt}, prodvers={vt}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
          {entries}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
