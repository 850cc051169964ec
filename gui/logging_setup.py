"""Where the GUI logs, so every error it shows can say where the details are.

core.logsetup does the work (rotating file under platformdirs' user_log_dir); this module
remembers the path for the GUI's messages. DUMPDOCTOR_LOG_DIR overrides the folder (tests,
portable use).
"""

from __future__ import annotations

import os
from pathlib import Path

from core import logsetup

_log_file: Path | None = None
_configured = False


def _folder() -> Path | None:
    override = os.environ.get("DUMPDOCTOR_LOG_DIR")
    return Path(override) if override else None


def setup_logging(*, verbose: bool = False) -> Path | None:
    """Configure logging once; returns the log file, or None when only stderr is available."""
    global _log_file, _configured
    if not _configured:
        _log_file = logsetup.setup_logging(verbose=verbose, folder=_folder())
        _configured = True
    return _log_file


def log_file() -> Path:
    if _log_file is not None:
        return _log_file
    folder = _folder()
    return folder / logsetup.LOG_NAME if folder else logsetup.log_file()


def where_to_look() -> str:
    """The sentence appended to every error the GUI shows."""
    if _configured and _log_file is None:
        return "Details were written to standard error (the log folder could not be created)."
    return f"Details are in the log file: {log_file()}"
