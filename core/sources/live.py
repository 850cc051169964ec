"""Evidence from the Windows computer Dump Doctor runs on: the live registry, files under the
Windows folder, and the System log queried with wevtutil (only the events the diagnosis reads)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from core.errors import DumpDoctorError, unreadable
from core.evidence_ref import Missing, Problem
from core.paths import expand_system_root, resolve_ci
from core.registry.keys import RegKey
from core.sources import live_win
from core.sources.base import EventInput, EvidenceSource, RegistryHives
from core.sources.locate import WindowsPathFiles

log = logging.getLogger(__name__)

_HOW_ADMIN = "Run Dump Doctor as administrator (right-click → Run as administrator)."


def _open_live_root(name: str) -> RegKey | None:
    """HKLM\\<name> from the live registry; None when it cannot be opened."""
    from core.registry.live import live_root

    return live_root(name)


class LiveSource(WindowsPathFiles, EvidenceSource):
    kind = "live"
    description = "This computer"

    def __init__(self) -> None:
        super().__init__()
        self.system_root = live_win.system_root()
        self._tmp: Path | None = None
        self._registry: RegistryHives | None = None
        self._elevated: bool | None = None
        if self.elevated() is False:
            self.missing.append(Missing("admin", "Not running as administrator: crash dumps and some "
                                        "logs cannot be read.", _HOW_ADMIN))

    def resolve(self, win_path: str) -> Path | None:
        text = expand_system_root(win_path.strip().strip('"'), self.system_root)
        if text.startswith("\\??\\"):
            text = text[4:]
        root = self.system_root.rstrip("\\/")
        if text.casefold().startswith(root.casefold()) and text[len(root):len(root) + 1] in ("\\", "/"):
            # Under the Windows folder: resolved part by part, so the same code runs against a test
            # tree on a case-sensitive file system.
            return resolve_ci(Path(root), text[len(root) + 1:])
        return Path(text)

    def registry(self) -> RegistryHives:
        if self._registry is not None:
            return self._registry
        hives = RegistryHives()
        for name in ("SYSTEM", "SOFTWARE"):
            try:
                key = _open_live_root(name)
            except DumpDoctorError as exc:
                self.problems.append(Problem(f"HKLM\\{name}", exc.message, step="registry"))
                continue
            except OSError as exc:
                self.problems.append(Problem(f"HKLM\\{name}", unreadable(f"HKLM\\{name}", exc).message,
                                             step="registry"))
                continue
            if key is None:
                self.missing.append(Missing(f"{name.lower()}-hive", f"HKLM\\{name} could not be opened.",
                                            _HOW_ADMIN))
            elif name == "SYSTEM":
                hives.system = key
            else:
                hives.software = key
        self._registry = hives
        return hives

    def _tmpdir(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="dumpdoctor-live-"))
        return self._tmp

    def event_inputs(self) -> list[EventInput]:
        output = self._tmpdir() / "System.xml"
        try:
            live_win.run_wevtutil(output)
        except DumpDoctorError as exc:
            self.problems.append(Problem("live System log", exc.message, step="events"))
            self.missing.append(Missing("event-log", "The System event log could not be queried.",
                                        _HOW_ADMIN))
            return []
        return [EventInput("xml", output, "live System log")]

    def loaded_dump_modules(self) -> list[str] | None:
        try:
            names = live_win.enum_device_drivers()
        except (OSError, AttributeError) as exc:
            log.info("EnumDeviceDrivers unavailable (%s); trying driverquery", exc)
            try:
                names = live_win.driverquery_modules()
            except (OSError, ValueError) as exc2:
                self.problems.append(Problem("loaded drivers", f"could not list loaded drivers ({exc2})",
                                             step="drivers"))
                return None
        return sorted({n for n in names if n.lower().startswith("dump_")}, key=str.lower)

    def elevated(self) -> bool | None:
        if self._elevated is None:
            try:
                self._elevated = live_win.is_user_an_admin()
            except (OSError, AttributeError):
                return None
        return self._elevated

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
