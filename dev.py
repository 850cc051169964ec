#!/usr/bin/env python3
"""Set-up and daily commands for Dump Doctor. Needs only Python 3.11+.

    python3 dev.py app      run the wizard (opens the demo evidence when this is not Windows)
    python3 dev.py test     lint, type-check and run the whole test suite
    python3 dev.py cli ...  run the `dumpdoctor` command line
    python3 dev.py build    build the one-file and one-folder executables (PyInstaller)

Each command first makes `.venv/` beside this file and installs the project into it, and again
whenever pyproject.toml changes, so a fresh clone needs nothing else.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".dumpdoctor-installed"


def _ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be run by an older Python
        sys.exit(f"Dump Doctor needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    print("Installing Dump Doctor and its development tools into .venv ...", flush=True)
    _run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    _run([str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(want)


def _run(cmd: list[str], env: dict[str, str] | None = None, *, cwd: Path | None = ROOT) -> int:
    return subprocess.call(cmd, cwd=cwd, env=env)


def _run_here(module: str, rest: list[str]) -> int:
    """Run one of our programs in the user's working directory, so relative paths they give
    (a file beside them, `-o out.zip`) mean what they meant; the checkout is found via PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # -P: the user's directory is not put on sys.path, so a "core" or "gui" folder there is not imported
    return _run([str(PY), "-P", "-m", module, *rest], env, cwd=None)


def _check(cmd: list[str], env: dict[str, str] | None = None) -> None:
    code = _run(cmd, env)
    if code:
        sys.exit(code)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in {"app", "test", "cli", "build", "lint"}:
        print(__doc__)
        return 2
    _ensure_venv()
    if command == "app":
        return _run_here("gui", rest)
    if command == "cli":
        return _run_here("core.cli.main", rest)
    if command == "build":
        return _run([str(PY), "-m", "build_spec", *rest])
    # lint / test
    _check([str(PY), "-m", "ruff", "check", "."])
    _check([str(PY), "-m", "mypy"])
    if command == "lint":
        return 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return _run([str(PY), "-m", "pytest", *rest], env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
