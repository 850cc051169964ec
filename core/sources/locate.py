"""Where Windows keeps drivers (and, through core.dumps.locate, dumps), shared by the live and offline
sources.

Both sources answer "what file does this Windows path name?" differently (the live one asks the file
system, the offline one resolves case-insensitively under a mounted root); the rules for which paths
to look at are the same and live here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.dumps.locate import find_dump_files
from core.evidence_ref import Problem
from core.readiness.facts_model import VolumeFacts
from core.registry.model import CrashControl, RegistryFacts
from core.sources.volume_probe import probe_volume

Resolve = Callable[[str], Path | None]

DRIVERS_DIR = r"%SystemRoot%\System32\drivers"


def driver_file_name(file_name: str, image_path: str | None) -> str:
    """The file name to look for: the one given, else the last part of the ImagePath."""
    return file_name or (image_path or "").replace("/", "\\").rsplit("\\", 1)[-1]


def driver_image_candidates(file_name: str, image_path: str | None) -> list[str]:
    """Windows paths to try for a service's driver file: its ImagePath in any of the forms found in
    real hives, then the drivers folder by file name."""
    out: list[str] = []
    if image_path:
        text = image_path.strip().strip('"')
        lowered = text.lower()
        if lowered.startswith(("system32\\", "system32/")):
            text = "%SystemRoot%\\" + text
        elif not (lowered.startswith(("\\", "%")) or (len(text) > 1 and text[1] == ":")):
            text = "%SystemRoot%\\System32\\drivers\\" + text  # a bare file name
        out.append(text)
    name = driver_file_name(file_name, image_path)
    if name:
        out.append(f"{DRIVERS_DIR}\\{name}")
    return out


class WindowsPathFiles:
    """For sources that hold a whole Windows volume (this computer, an offline folder): dumps and driver
    files are found where the registry says they are, through the source's own `resolve`."""

    def resolve(self, win_path: str) -> Path | None:
        raise NotImplementedError

    problems: list[Problem]  # EvidenceSource's, which every user of this mixin also derives from
    proves_absence = False  # True where a file not found is really absent (this computer)
    system_drive = "C:"

    def volume_facts(self, facts: RegistryFacts | None) -> VolumeFacts | None:
        return probe_volume(self.resolve, facts, drive=self.system_drive, proves_absence=self.proves_absence)

    def dump_files(self, crash_control: CrashControl | None) -> list[Path]:
        return find_dump_files(self.resolve, crash_control, self.problems)

    def driver_file(self, file_name: str, image_path: str | None = None) -> Path | None:
        for candidate in driver_image_candidates(file_name, image_path):
            path = self.resolve(candidate)
            if path is not None and path.is_file():
                return path
        return None
