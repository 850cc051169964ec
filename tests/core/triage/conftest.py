"""A helpdesk queue generated once for the triage tests: real exported bundles, the demo (affected)
machine under other names, a Velociraptor collection, and the broken entries a real queue holds."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders.fleet import (
    clone_bundle,
    demo_bundle_zip,
    export_bundle_zip,
    machine_named,
    write_broken_entries,
    write_velociraptor_collection,
)


@dataclass
class Queue:
    root: Path
    machines: dict[str, str]  # source path -> computer name
    broken: dict[str, Path]
    template: Path  # a good bundle outside the queue, to add later


@pytest.fixture(scope="session")
def queue_template(tmp_path_factory: pytest.TempPathFactory) -> Queue:
    base = tmp_path_factory.mktemp("fleet")
    root = base / "queue"
    (root / "2011-03").mkdir(parents=True)
    template = export_bundle_zip(base / "PC01.zip", machine_named("PC01"))
    machines: dict[str, str] = {}
    for n in range(1, 4):
        dest = root / "2011-03" / f"ticket-{n:03d}-PC{n:02d}.zip"
        clone_bundle(template, dest, "PC01", f"PC{n:02d}")
        machines[str(dest)] = f"PC{n:02d}"
    for n in (1, 2):
        dest = root / f"vm-{n}.zip"
        demo_bundle_zip(dest, f"VM-{n:02d}")
        machines[str(dest)] = f"VM-{n:02d}"
    velo = write_velociraptor_collection(root / "Collection-PC09.zip", machine_named("PC09"), host="PC09")
    machines[str(velo)] = "PC09"
    folder = root / "unpacked-PC10"
    with zipfile.ZipFile(template) as zf:
        zf.extractall(folder)
    machines[str(folder)] = "PC01"  # an unpacked bundle folder is a machine too
    broken = write_broken_entries(root)
    return Queue(root, machines, broken, template)


@pytest.fixture
def queue(queue_template: Queue, tmp_path: Path) -> Queue:
    """A private copy, so a test may add to it."""
    import shutil

    root = tmp_path / "queue"
    shutil.copytree(queue_template.root, root)
    machines = {str(root / Path(p).relative_to(queue_template.root)): n
                for p, n in queue_template.machines.items()}
    broken = {k: root / v.relative_to(queue_template.root) for k, v in queue_template.broken.items()}
    return Queue(root, machines, broken, queue_template.template)
