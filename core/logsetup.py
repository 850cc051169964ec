"""Logging for the app and the CLI: a rotating log file in the user's local app data folder.

The GUI exe has no console, so the log file is where errors go; the GUI shows its path whenever it
reports an error. The folder is the user's own (platformdirs), never the system being examined.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

APP_NAME = "DumpDoctor"
LOG_NAME = "dumpdoctor.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_NAME


def setup_logging(
    *, verbose: bool = False, to_stderr: bool = False, folder: Path | None = None
) -> Path | None:
    """Attach a rotating file handler (1 MB x 3) to the root logger; returns the log path, or None
    when the folder cannot be created (read-only profile): logging then goes to stderr only."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    path: Path | None = (folder or log_dir()) / LOG_NAME
    assert path is not None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True)
    except OSError:
        path = None
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    already = {getattr(h, "baseFilename", None) for h in root.handlers}
    if getattr(handler, "baseFilename", "") not in already:  # idempotent: tests and --self-test call twice
        root.addHandler(handler)
    if to_stderr:
        stream = logging.StreamHandler()
        stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    return path
