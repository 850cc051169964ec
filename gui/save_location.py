"""Where files the user asks for are offered to be saved: the platform's documents folder when it
exists, else the home folder. Only offered: nothing is created until the user saves."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import platformdirs


def default_save_folder(documents: Path | None = None, home: Path | None = None) -> Path:
    """The platform's documents folder when it exists, else the home folder. Nothing is created:
    a default that does not exist made "Create bundle" fail at 0 %."""
    docs = documents if documents is not None else Path(platformdirs.user_documents_dir())
    return docs if docs.is_dir() else (home if home is not None else Path.home())


def default_bundle_path(folder: Path | None = None, now: datetime | None = None) -> Path:
    # no computer or user name in the file name: redaction is on by default
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    return (folder or default_save_folder()) / f"dumpdoctor-bundle-{stamp}.zip"


def default_report_path(name: str, folder: Path | None = None) -> Path:
    return (folder or default_save_folder()) / name
