"""`dumpdoctor-gui` / `python -m gui`: start the wizard.

--demo       open with the demo evidence chosen
--self-test  walk the wizard through the demo evidence to the diagnosis, print the verdict, exit 0
             (nonzero on failure); works offscreen, used by CI and the frozen exe's smoke test
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from core.version import __version__
from core.wizard.flow import OpState, SourceChoice, Step
from gui.logging_setup import setup_logging, where_to_look
from gui.platform_check import x11_problem
from gui.widgets import icon
from gui.wizard import DumpDoctorWizard

log = logging.getLogger(__name__)

SELF_TEST_TIMEOUT = 120.0  # seconds; the demo scan takes well under that even on a slow CI runner
# Set by whoever launches us (the build smoke test) to time.time() just before starting the process,
# so the self-test can report the real cold start, including a one-file exe unpacking itself.
LAUNCH_TIME_ENV = "DUMPDOCTOR_LAUNCH_TIME"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dumpdoctor-gui", description="Dump Doctor wizard")
    parser.add_argument("--demo", action="store_true", help="open with the demo evidence chosen")
    parser.add_argument("--self-test", action="store_true",
                        help="walk the wizard through the demo evidence, print the verdict, exit")
    parser.add_argument("--version", action="version", version=f"Dump Doctor {__version__}")
    return parser


APP_NAME = "Dump Doctor"
APP_ID = "dumpdoctor"  # argv[0] as Qt sees it: the X11 window class instance, the Wayland app id


def make_application() -> QApplication:
    """The QApplication, named before it exists: X11 takes the window class from argv[0], which for
    `python -m gui` was "__main__.py", and from the application name."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QApplication.setApplicationName(APP_NAME)
        QApplication.setOrganizationName("DumpDoctor")
        QApplication.setDesktopFileName(APP_ID)
        app = QApplication([APP_ID])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("DumpDoctor")
    app.setDesktopFileName(APP_ID)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app"))
    return app


def _wait_until(app: QApplication, done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def self_test(app: QApplication, wizard: DumpDoctorWizard) -> int:
    """Drive the real wizard like a user would; 0 when it reaches a verdict."""
    flow = wizard.flow
    if flow.data.choice is not SourceChoice.DEMO:
        print("self-test: FAILED: the demo evidence is not installed or not selectable", file=sys.stderr)
        return 1
    wizard.show()
    app.processEvents()
    launched = os.environ.get(LAUNCH_TIME_ENV)
    if launched:
        print(f"self-test: first window shown {time.time() - float(launched):.2f} s after launch")
    wizard.next()
    if not _wait_until(app, lambda: flow.data.scan not in (OpState.RUNNING, OpState.NOT_STARTED),
                       SELF_TEST_TIMEOUT):
        print("self-test: FAILED: the scan did not finish in time", file=sys.stderr)
        wizard.stop_work()
        return 1
    if flow.data.scan is not OpState.DONE:
        print(f"self-test: FAILED: scan {flow.data.scan}: {flow.data.scan_error}", file=sys.stderr)
        return 1
    while flow.current is not Step.DIAGNOSIS:
        before = flow.current
        wizard.next()
        app.processEvents()
        if flow.current is before:
            print(f"self-test: FAILED: stuck on step {before}: {flow.can_advance().reason}",
                  file=sys.stderr)
            return 1
    diagnosis = wizard.results.diagnosis
    headline = wizard.diagnosis_page.headline.text()
    if diagnosis is None or not headline:
        print("self-test: FAILED: no verdict shown", file=sys.stderr)
        return 1
    print(f"self-test: OK: verdict {diagnosis.verdict.id}: {headline}")
    wizard.done(0)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging()
    problem = x11_problem()
    if problem:
        log.error("%s", problem)
        print(problem, file=sys.stderr)
        return 3
    app = make_application()
    if args.self_test:
        # A check must not move the user's remembered window: use a throw-away settings file.
        scratch = tempfile.mkdtemp(prefix="dumpdoctor-selftest-")
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
    else:
        settings = QSettings("DumpDoctor", "Dump Doctor")
    try:
        wizard = DumpDoctorWizard(settings=settings, prefer_demo=args.demo or args.self_test)
        if args.self_test:
            return self_test(app, wizard)
        wizard.show()
        return app.exec()
    except Exception:
        log.exception("the wizard stopped with an unexpected error")
        print(f"Dump Doctor stopped with an unexpected error. {where_to_look()}", file=sys.stderr)
        return 1
