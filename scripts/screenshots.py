"""Render every wizard page on the demo evidence to docs/screenshots/<nn>-<step>.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out DIR] [--dark]

Uses a throw-away settings file so the developer's remembered window size does not leak in.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.wizard.flow import STEP_ORDER, OpState, Step  # noqa: E402
from gui.wizard import DumpDoctorWizard  # noqa: E402


def _settle(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


DARK = {"Window": "#2b2b2b", "WindowText": "#e8e8e8", "Base": "#1e1e1e", "AlternateBase": "#262626",
        "Text": "#e8e8e8", "Button": "#353535", "ButtonText": "#e8e8e8", "Highlight": "#3d6fb4",
        "HighlightedText": "#ffffff", "ToolTipBase": "#353535", "ToolTipText": "#e8e8e8",
        "PlaceholderText": "#9a9a9a", "Link": "#8ab4f8", "LinkVisited": "#c58af9"}


def _dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in DARK.items():
        p.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    return p


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--dark", action="store_true", help="render with a dark palette (suffix -dark)")
    parser.add_argument("--size", default="1120x688",
                        help="window size WxH (default: the window a 1366×768 screen opens with)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    if args.dark:
        app.setStyle("Fusion")
        app.setPalette(_dark_palette())
    suffix = "-dark" if args.dark else ""
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        wizard = DumpDoctorWizard(settings=settings, prefer_demo=True)
        width, height = (int(x) for x in args.size.lower().split("x"))
        wizard.resize(width, height)
        wizard.show()
        flow = wizard.flow
        written = []
        for n, step in enumerate(STEP_ORDER, 1):
            if step is not Step.SOURCE:
                wizard.next()
            if step is Step.SCAN:
                deadline = time.monotonic() + 120
                while flow.data.scan is OpState.RUNNING and time.monotonic() < deadline:
                    _settle(app, 0.05)
                if flow.data.scan is not OpState.DONE:
                    print(f"scan did not finish: {flow.data.scan} {flow.data.scan_error}", file=sys.stderr)
                    return 1
            _settle(app)
            if flow.current is not step:
                print(f"could not reach {step}: {flow.can_advance().reason}", file=sys.stderr)
                return 1
            path = args.out / f"{n:02d}-{step}{suffix}.png"
            wizard.grab().save(str(path))
            written.append(path)
        wizard.done(0)
    for p in written:
        print(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
