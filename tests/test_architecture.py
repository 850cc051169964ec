"""The layout is the architecture: core/ must never import Qt or the gui package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "gui")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_core_module_imports_qt_or_gui_in_its_source() -> None:
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    # Catches indirect imports too (a third-party module that pulls Qt in).
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "core").rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


# The readers parse one kind of artifact each; sources hand them files, the scan and examination put
# them together, and everything from the diagnosis up presents. A reader importing any of those would
# run the layering backwards (EventInput, for one, belongs to the events model, not to sources).
READERS = ("dumps", "registry", "drivers", "events")
ABOVE_THE_READERS = ("core.sources", "core.scan", "core.examine", "core.diagnosis", "core.report",
                     "core.bundle", "core.wizard", "core.cli")


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in sorted((ROOT / "core" / package).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(ROOT)} imports {name}")
    return out


def test_no_reader_imports_sources_or_anything_above_it() -> None:
    offenders = [o for package in READERS for o in _offenders(package, ABOVE_THE_READERS)]
    assert offenders == []


def test_the_cli_does_not_import_the_wizards_presentation() -> None:
    # What the command line and the wizard both show (the driver table, the time format) lives in
    # core.report / core.formatting; the wizard's wording stays the wizard's.
    assert _offenders("cli", ("core.wizard",)) == []


def test_the_layer_rules_see_a_violation() -> None:
    # The rules above would pass on a walk that found no files or no imports; prove they can fail.
    assert _offenders("cli", ("core.examine",))
    assert _offenders("events", ("core.events.model",))


def test_every_core_module_imports_on_its_own() -> None:
    """An import cycle hides while some other module happens to be imported first (the readiness
    model once failed alone). Each module is imported with no core module loaded before it."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    modules = sorted(
        ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for p in (root / "core").rglob("*.py"))
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'core' or m.startswith('core.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        failed.append(f'{name}: {exc}')\n"
        "print('\\n'.join(failed))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                            check=True, timeout=300)
    assert result.stdout.strip() == ""
