"""What the executables leave out. Dump Doctor uses QtCore, QtGui and QtWidgets only; everything
else PySide6-Essentials ships (QML, Quick, network, SQL, PDF, designer tools) would only add size."""

from __future__ import annotations

EXCLUDED_MODULES = [
    "tkinter", "unittest", "pydoc_data", "lib2to3", "test",
    # dev-only / benchmarks only. Not "Registry": that is python-registry, the hive reader the exe needs.
    "pytest", "hypothesis", "mypy", "ruff", "regipy", "Evtx", "dissect",
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
                       "/platforminputcontexts/", "/generic/", "/position/", "/webview/", "/multimedia/")
# Software OpenGL (20 MB) and the Direct2D platform: the wizard draws plain widgets with the
# `windows` platform (or `offscreen` for the self-test).
_UNUSED_FILES = ("opengl32sw.dll", "qdirect2d.dll", "d3dcompiler_47.dll")
# Image formats: PNG is built into QtGui; the icons are SVG and the exe icon ICO.
_IMAGE_FORMATS_KEPT = ("qsvg", "qico")


def keep_binary(dest: str) -> bool:
    name = dest.replace("\\", "/")
    base = name.rsplit("/", 1)[-1]
    if any(lib in base for lib in _UNUSED_QT_LIBS) or base.lower() in _UNUSED_FILES:
        return False
    if "/imageformats/" in f"/{name}" and not any(f in base for f in _IMAGE_FORMATS_KEPT):
        return False
    if base.lower().endswith(".sys") and "/" not in name.strip("/"):
        # PyInstaller follows the imports of the drivers we ship as data (the demo's cvstor.sys
        # imports storport.sys) and would copy the demo's storport.sys next to the exe as a
        # "dependency". Drivers in a folder (resources/demo/drivers, selfcheck/pe) are data.
        return False
    return not any(d in f"/{name}" for d in _UNUSED_PLUGIN_DIRS)


def keep_data(dest: str) -> bool:
    name = dest.replace("\\", "/")
    # Qt's own translations (~20 MB): the wizard's text is ours and English.
    return "/translations/" not in f"/{name}" and "/qml/" not in f"/{name}"
