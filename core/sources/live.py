"""Evidence from the Windows computer Dump Doctor runs on: the live registry, files under the
Windows folder, and the System log queried with wevtutil (only the events the diagnosis reads)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from core.advice import RUN_AS_ADMIN
from core.errors import DumpDoctorError, unreadable
from core.evidence_ref import EvidenceRef, Missing, Problem, Severity
from core.paths import expand_system_root, resolve_ci, split_windows_path
from core.readiness.facts_model import VolumeFacts, VolumeSpace
from core.registry.live import live_root
from core.registry.model import RegistryFacts
from core.sources import live_win
from core.sources.base import EventInput, EvidenceSource, RegistryHives
from core.sources.locate import WindowsPathFiles

log = logging.getLogger(__name__)


class LiveSource(WindowsPathFiles, EvidenceSource):
    kind = "live"
    description = "This computer"
    proves_absence = True  # a file this computer does not have is really absent

    def __init__(self) -> None:
        super().__init__()
        self.system_root = live_win.system_root()
        self.system_drive = self.system_root[:2] if self.system_root[1:2] == ":" else "C:"
        self._wow64 = live_win.is_wow64()
        self._tmp: Path | None = None
        self._registry: RegistryHives | None = None
        self._elevated: bool | None = None
        if self.elevated() is False:
            self.missing.append(Missing("admin", "Not running as administrator: crash dumps and some "
                                        "logs cannot be read.", RUN_AS_ADMIN))

    def resolve(self, win_path: str) -> Path | None:
        text = expand_system_root(win_path.strip().strip('"'), self.system_root)
        if text.startswith("\\??\\"):
            text = text[4:]
        root = self.system_root.rstrip("\\/")
        if text.casefold().startswith(root.casefold()) and text[len(root):len(root) + 1] in ("\\", "/"):
            # Under the Windows folder: resolved part by part, so the same code runs against a test
            # tree on a case-sensitive file system.
            return resolve_ci(Path(root), self._undo_redirection(text[len(root) + 1:]))
        return Path(text)

    def _undo_redirection(self, relative: str) -> str:
        """A 32-bit process on 64-bit Windows that opens System32 is given SysWOW64 (its drivers folder
        lacks the 64-bit drivers); the Sysnative alias reaches the real System32."""
        if not self._wow64:
            return relative
        parts = split_windows_path(relative)
        if parts and parts[0].casefold() == "system32":
            return "\\".join(["Sysnative", *parts[1:]])
        return relative

    def registry(self) -> RegistryHives:
        if self._registry is not None:
            return self._registry
        hives = RegistryHives()
        for name in ("SYSTEM", "SOFTWARE"):
            try:
                key = live_root(name, hives.notes)
            except DumpDoctorError as exc:
                self.problems.append(Problem(f"HKLM\\{name}", exc.message, step="registry"))
                continue
            except OSError as exc:
                self.problems.append(Problem(f"HKLM\\{name}", unreadable(f"HKLM\\{name}", exc).message,
                                             step="registry"))
                continue
            if key is None:
                self.missing.append(Missing(f"{name.lower()}-hive", f"HKLM\\{name} could not be opened.",
                                            RUN_AS_ADMIN))
            else:
                hives.put(name, key)
        self._registry = hives
        return hives

    def _tmpdir(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="dumpdoctor-live-"))
        return self._tmp

    def event_inputs(self) -> list[EventInput]:
        folder = self._tmpdir()
        output = folder / "System.xml"
        try:
            live_win.run_wevtutil(output, folder / "query.xml")
        except DumpDoctorError as exc:
            self.problems.append(Problem("live System log", exc.message, step="events"))
            self.missing.append(Missing("event-log", "The System event log could not be queried.",
                                        RUN_AS_ADMIN))
            return []
        if not _has_content(output):
            # The query worked and matched nothing (a log cleared recently): said plainly, instead of
            # the XML reader calling our own empty file "not an event log".
            self.problems.append(Problem("live System log", "the System log holds none of the events "
                                         "the diagnosis reads (it may have been cleared)",
                                         Severity.INFO, "events"))
            return []
        return [EventInput("xml", output, "live System log")]

    def loaded_dump_modules(self) -> list[str] | None:
        # No fallback: driverquery and the Services key list *installed* drivers, and the dump_*.sys
        # modules are in-memory clones that are never installed, so they could only ever report
        # "none loaded" — a wrong answer where "unknown" (None) is the right one.
        try:
            names = live_win.enum_device_drivers()
        except (OSError, AttributeError, ValueError) as exc:
            self.problems.append(Problem("loaded drivers", f"could not list loaded drivers ({exc})",
                                         Severity.WARNING, "drivers"))
            return None
        return sorted({n for n in names if n.lower().startswith("dump_")}, key=str.lower)

    def volume_facts(self, facts: RegistryFacts | None) -> VolumeFacts | None:
        vf = super().volume_facts(facts) or VolumeFacts()
        drives = {self.system_drive.upper()}
        cc = facts.crash_control if facts else None
        for path in (cc.dump_file, cc.dedicated_dump_file) if cc is not None else ():
            text = expand_system_root(path or "", self.system_root)
            if text[1:2] == ":":
                drives.add(text[:2].upper())
        for drive in sorted(drives):
            try:
                usage = shutil.disk_usage(drive + "\\")
            except OSError as exc:
                vf.notes.append(f"free space on {drive} could not be read: {exc.strerror or exc}")
                continue
            vf.volumes.append(VolumeSpace(drive, usage.free, usage.total,
                                          EvidenceRef("derived", f"{drive}\\", "free space read live")))
        try:
            vf.ram_bytes = live_win.physical_memory_bytes()
            vf.ram_ref = EvidenceRef("derived", "GlobalMemoryStatusEx", "installed RAM read live")
        except (OSError, AttributeError, ValueError) as exc:
            vf.notes.append(f"installed RAM could not be read: {exc}")
        return vf

    def elevated(self) -> bool | None:
        if self._elevated is None:
            try:
                self._elevated = live_win.is_user_an_admin()
            except (OSError, AttributeError, ValueError):
                log.info("could not tell whether we run elevated", exc_info=True)
                return None
        return self._elevated

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _has_content(path: Path) -> bool:
    """True unless the file is empty or only whitespace (what wevtutil writes for no matches)."""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 16):
                if chunk.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
                    return True
    except OSError:
        return True  # let the reader report what is wrong with it
    return False
