"""What the executables leave out. Dump Doctor uses QtCore, QtGui and QtWidgets only; everything
else PySide6-Essentials ships (QML, Quick, network, SQL, PDF, designer tools) would only add size."""

from __future__ import annotations

EXCLUDED_MODULES = [
    "tkinter", "unittest", "pydoc_data", "lib2to3", "test",
    "pytest", "hypothesis", "mypy", "ruff", "regipy", "Registry", "Evtx",  # dev-only / benchmarks only
    *(f"PySide6.{m}" for m in (
        "QtConcurrent", "QtDBus", "QtDesigner", "QtHelp", "QtLabsStyleKit", "QtNetwork", "QtOpenGL",
        "QtOpenGLWidgets", "QtPrintSupport", "QtQml", "QtQmlFeatures", "QtQuick", "QtQuickControls2",
        "QtQuickTest", "QtQuickWidgets", "QtSql", "QtSvgWidgets", "QtTest", "QtUiTools", "QtXml",
    )),
]

# Qt libraries pulled in by plugins we never load; matched on the file name.
_UNUSED_QT_LIBS = ("Qt6Quick", "Qt6Qml", "Qt6Pdf", "Qt6VirtualKeyboard", "Qt6Designer", "Qt6Sql",
                   "Qt6Network", "Qt6OpenGLWidgets", "Qt6Test", "Qt6Help", "Qt6LabsStyleKit")
_UNUSED_PLUGIN_DIRS = ("/qmltooling/", "/sqldrivers/", "/networkinformation/", "/tls/",
                       "/platforminputcontexts/", "/generic/", "/position/", "/webview/")


def keep_binary(dest: str) -> bool:
    name = dest.replace("\\", "/")
    if any(lib in name.rsplit("/", 1)[-1] for lib in _UNUSED_QT_LIBS):
        return False
    return not any(d in f"/{name}" for d in _UNUSED_PLUGIN_DIRS)


def keep_data(dest: str) -> bool:
    name = dest.replace("\\", "/")
    # Qt's own translations (~20 MB): the wizard's text is ours and English.
    return "/translations/" not in f"/{name}" and "/qml/" not in f"/{name}"
