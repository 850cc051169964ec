"""Removing the private temporary folders Dump Doctor makes (zip extraction, live queries, self-tests).

A folder that cannot be removed is reported, never ignored: on Windows a file still open or mapped
blocks the removal, and a silent failure would leave extracted evidence (a whole SYSTEM hive) in
%TEMP% after every scan.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def remove_temp_folder(folder: Path) -> list[str]:
    """Remove `folder` and everything in it; return (and log as warnings) what could not be removed."""
    failures: list[str] = []

    def record(_func: object, path: str, exc: BaseException) -> None:
        failures.append(f"{path}: {exc}")

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=record)
    else:
        shutil.rmtree(folder, onerror=lambda func, path, info: record(func, path, info[1]))
    for failure in failures:
        log.warning("could not remove temporary file %s", failure)
    return failures
