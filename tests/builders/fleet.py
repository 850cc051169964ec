"""Many machines for triage tests and benchmarks: support bundles made by the real bundle export
(core/bundle/export.py) from generated machines, clones of a bundle under another computer name, the
usual broken entries of a helpdesk queue, and Velociraptor offline collections.

    zip_path = export_bundle_zip(tmp / "PC01.zip", machine_named("PC01"), crash=True)
    clone_bundle(zip_path, tmp / "PC02.zip", "PC01", "PC02")
    write_velociraptor_collection(tmp / "Collection-PC03.zip", machine_named("PC03"), crash=True)
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from core.bundle.export import export_bundle
from core.diagnosis import diagnose
from core.registry.keys import REG_SZ
from core.scan import scan
from core.sources import open_source
from tests.builders.events import Ev, at, hibernate_crash_d1, write_export
from tests.builders.evtx import write_evtx
from tests.builders.offline_root import CS, Machine, write_bundle_folder, write_offline_root

CRASH_AT = "2011-03-15 08:00:00"
NAME_KEY = f"{CS}\\Control\\ComputerName\\ComputerName"


def _name_of(machine: Machine) -> str:
    value = machine.system.get(NAME_KEY, {}).get("ComputerName")
    return str(value[1]) if value else "TESTPC"


def crash_events(machine: Machine) -> list[Ev]:
    """The known defect's System-log story, recorded by this machine (its name in every event)."""
    return [replace(ev, computer=_name_of(machine)) for ev in hibernate_crash_d1(at(CRASH_AT))]


def machine_named(name: str) -> Machine:
    machine = Machine()
    machine.system[NAME_KEY] = {"ComputerName": (REG_SZ, name)}
    return machine


def export_bundle_zip(dest: Path, machine: Machine, *, crash: bool = True) -> Path:
    """A bundle as Dump Doctor exports it: collector-layout folder → scan → diagnose → export."""
    with tempfile.TemporaryDirectory(prefix="dd-fleet-") as tmp:
        folder = write_bundle_folder(Path(tmp) / "src", machine)
        if crash:
            (folder / "events").mkdir(exist_ok=True)
            write_export(folder / "events" / "System.xml", crash_events(machine))
        with open_source(folder) as source:
            evidence = scan(source)
            export_bundle(source, evidence, diagnose(evidence), dest)
    return dest


_TEXT_MEMBERS = (".reg", ".json", ".txt", ".html", ".xml")


def clone_bundle(template: Path, dest: Path, old_name: str, new_name: str) -> Path:
    """The same bundle for another computer: its name replaced in the registry exports and reports
    (UTF-16 and UTF-8), so content hashes differ and each clone is its own machine."""
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.lower().endswith(_TEXT_MEMBERS):
                data = data.replace(old_name.encode("utf-16-le"), new_name.encode("utf-16-le"))
                data = data.replace(old_name.encode("utf-8"), new_name.encode("utf-8"))
            out.writestr(info, data)
    return dest


def demo_bundle_zip(dest: Path, name: str = "DEMO-VM") -> Path:
    """The built-in demo evidence (an affected machine: the verdict is `matches`) as a zip bundle."""
    from core.resources import resource_path

    demo = resource_path("demo")
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for file in sorted(p for p in demo.rglob("*") if p.is_file()):
            data = file.read_bytes()
            if name != "DEMO-VM" and file.suffix.lower() in _TEXT_MEMBERS:
                data = data.replace(b"DEMO-VM", name.encode()).replace(
                    "DEMO-VM".encode("utf-16-le"), name.encode("utf-16-le"))
            out.writestr(file.relative_to(demo).as_posix(), data)
    return dest


def write_broken_entries(queue: Path) -> dict[str, Path]:
    """What a real queue also holds: a zip that is not one, an empty folder, a folder of junk, a
    stray note. Returns them by name."""
    corrupt = queue / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00garbage, cut off mid-upload" * 10)
    empty = queue / "empty-ticket"
    empty.mkdir()
    junk = queue / "junk-ticket"
    junk.mkdir()
    (junk / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (junk / "notes.txt").write_text("user says it blue-screened twice\n", encoding="utf-8")
    note = queue / "README.txt"
    note.write_text("helpdesk queue\n", encoding="utf-8")
    return {"corrupt": corrupt, "empty": empty, "junk": junk, "note": note}


def _upload_name(relative: Path, drive: str = "C:") -> str:
    parts = [drive, *relative.parts]
    return "uploads/auto/" + "/".join(quote(p, safe="") for p in parts)


def write_velociraptor_collection(dest: Path, machine: Machine, *, crash: bool = True,
                                  host: str | None = None) -> Path:
    """An offline collector's zip: the machine's files under uploads/auto/C%3A/..., and the
    collection's own records (client_info.json, collection_context.json, uploads.json)."""
    with tempfile.TemporaryDirectory(prefix="dd-velo-") as tmp:
        evtx = None
        if crash:
            evtx = write_evtx(Path(tmp) / "System.evtx", crash_events(machine))
        volume = Path(tmp) / "vol"
        write_offline_root(volume, machine, evtx=evtx)
        uploads = []
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("client_info.json", json.dumps({"Hostname": host or "collected-host",
                                                         "Fqdn": f"{host or 'collected-host'}.corp.example"}))
            out.writestr("collection_context.json", json.dumps({
                "session_id": "F.TEST", "request": {"artifacts": ["Windows.KapeFiles.Targets"]},
                "create_time": int(datetime(2011, 3, 16, tzinfo=UTC).timestamp() * 1e9), "state": 2}))
            for file in sorted(p for p in volume.rglob("*") if p.is_file()):
                rel = file.relative_to(volume)
                name = _upload_name(rel)
                out.write(file, name)
                size = file.stat().st_size
                uploads.append({"vfs_path": "/".join(["C:", *rel.parts]), "_Components": ["C:", *rel.parts],
                                "file_size": size, "uploaded_size": size, "Type": ""})
            out.writestr("uploads.json", "".join(json.dumps(u) + "\n" for u in uploads))
    return dest
