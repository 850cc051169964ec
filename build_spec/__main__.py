"""Build Dump Doctor's executables here (Linux) or on Windows, then smoke-test them.

    python -m build_spec                  one-file build into dist/
    python -m build_spec --mode onedir    one-folder build into dist/onedir/DumpDoctor/
    python -m build_spec --mode both --smoke
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_spec.icon import app_pngs, pngs_to_ico
from build_spec.selfcheck_samples import write_samples
from build_spec.smoke_real import realdata_dir, scan_real_samples
from build_spec.versioninfo import version_info_text

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_spec" / "dumpdoctor.spec"
EXE_SUFFIX = ".exe" if os.name == "nt" else ""
# The exes write UTF-8 whatever stdout is (core.cli.main.use_utf8_output); read it as UTF-8, not as
# the ANSI code page that text=True would use on Windows.
UTF8_OUTPUT: dict[str, Any] = {"capture_output": True, "text": True, "encoding": "utf-8", "errors": "replace"}


@dataclass
class Built:
    mode: str
    gui: Path
    cli: Path


def prepare(work: Path) -> None:
    """Generated inputs of the spec: version resources, the .ico (every size in resources/icons) and
    the --self-check samples."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "version_gui.txt").write_text(
        version_info_text("Dump Doctor - Windows crash diagnosis wizard", "DumpDoctor.exe"), encoding="utf-8")
    (work / "version_cli.txt").write_text(
        version_info_text("Dump Doctor command line", "dumpdoctor-cli.exe"), encoding="utf-8")
    pngs = app_pngs()
    if not pngs:
        raise SystemExit("resources/icons/app-<size>.png are missing: run `python -m build_spec.icon`")
    pngs_to_ico(pngs, work / "dumpdoctor.ico")
    write_samples(work / "selfcheck")


def build(mode: str, dist: Path, work: Path) -> Built:
    prepare(work)
    env = dict(os.environ, DUMPDOCTOR_BUILD_MODE=mode, DUMPDOCTOR_BUILD_WORK=str(work))
    # One-folder builds get their own dist folder: on Linux the folder "DumpDoctor" and the one-file
    # binary "DumpDoctor" would be the same path.
    target = dist if mode == "onefile" else dist / "onedir"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(target), "--workpath", str(work / f"pyi-{mode}"), str(SPEC)]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    base = target if mode == "onefile" else target / "DumpDoctor"
    return Built(mode, base / f"DumpDoctor{EXE_SUFFIX}", base / f"dumpdoctor-cli{EXE_SUFFIX}")


def smoke(built: Built) -> dict[str, object]:
    """The checks CI and a release run on the frozen binaries. Raises on failure."""
    from core.version import __version__

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([str(built.cli), "--version"], **UTF8_OUTPUT, env=env,
                         timeout=120, check=True)
    assert __version__ in out.stdout, f"--version printed {out.stdout!r}"
    scan = subprocess.run([str(built.cli), "scan", "--demo", "--json"], **UTF8_OUTPUT,
                          env=env, timeout=300, check=False)
    report = json.loads(scan.stdout)
    verdict = report["verdict"]["id"]
    assert verdict == "matches", f"demo verdict {verdict!r}, exit {scan.returncode}: {scan.stderr[-2000:]}"
    check = subprocess.run([str(built.cli), "--self-check"], **UTF8_OUTPUT, env=env,
                           timeout=300, check=False)
    assert check.returncode == 0 and "self-check passed" in check.stdout, (
        f"--self-check exit {check.returncode}: {check.stdout[-3000:]} {check.stderr[-2000:]}")
    assert "_MEI" not in scan.stdout and "_internal" not in scan.stdout, (
        "the demo report names files in the exe's unpack folder")
    folder = realdata_dir()
    real = scan_real_samples(built.cli, env, folder) if folder else "skipped: no ../shared/realdata"
    with tempfile.TemporaryDirectory() as scratch:
        # The windowed exe has no stdout on Windows: it writes to this file instead (launcher.py).
        output = Path(scratch) / "gui-output.txt"
        start = time.perf_counter()
        gui = subprocess.run([str(built.gui), "--self-test"], **UTF8_OUTPUT, timeout=300,
                             env=dict(env, DUMPDOCTOR_LAUNCH_TIME=repr(time.time()),
                                      DUMPDOCTOR_OUTPUT=str(output)), check=False)
        gui_seconds = time.perf_counter() - start
        printed = gui.stdout + (output.read_text(encoding="utf-8") if output.exists() else "")
    first_window = re.search(r"first window shown ([\d.]+) s", printed)
    assert gui.returncode == 0, f"GUI self-test exit {gui.returncode}: {printed[-2000:]} {gui.stderr[-2000:]}"
    size = built.gui.stat().st_size if built.mode == "onefile" else sum(
        p.stat().st_size for p in built.gui.parent.rglob("*") if p.is_file())
    return {"mode": built.mode, "verdict": verdict, "scan_exit": scan.returncode, "real_samples": real,
            "gui_self_test_seconds": round(gui_seconds, 2),
            "first_window_seconds": float(first_window.group(1)) if first_window else None,
            "size_mb": round(size / 1e6, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_spec", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["onefile", "onedir", "both"], default="onefile")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "generated")
    parser.add_argument("--smoke", action="store_true", help="run the smoke tests on what was built")
    args = parser.parse_args(argv)
    modes = ["onefile", "onedir"] if args.mode == "both" else [args.mode]
    for mode in modes:
        built = build(mode, args.dist, args.work)
        print(f"built {mode}: {built.gui} and {built.cli}")
        if args.smoke:
            print(json.dumps(smoke(built)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
