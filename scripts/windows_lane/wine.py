"""Running Windows programs under Wine from this Linux machine, with the work-arounds Wine 8 needs.

- A regular file as a Windows program's stdin/stdout makes CPython fail ("init_sys_streams: Invalid
  handle"), so every program gets pipes.
- Wine does not pass QT_* variables to Windows programs; WINEQT_X arrives as QT_X.
- wineserver and wineboot keep inherited pipes open: they are started detached.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float

    def text(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out[-6000:]}\n--- stderr\n{self.err[-6000:]}"


class Wine:
    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        self.env = dict(os.environ, WINEPREFIX=str(prefix), WINEARCH="win64", WINEDEBUG="-all",
                        # no Mono/Gecko install prompts; our mscms stand-in before Wine's own
                        WINEDLLOVERRIDES="mscoree,mshtml=;mscms=n,b", DISPLAY=os.environ.get("DISPLAY", ""))
        for name in [n for n in self.env if n.startswith("QT_")]:
            del self.env[name]

    @property
    def drive_c(self) -> Path:
        return self.prefix / "drive_c"

    def unix(self, windows_path: str) -> Path:
        """C:\\x\\y → the file in the prefix (only C: is supported)."""
        win = PureWindowsPath(windows_path)
        assert win.drive.upper() == "C:", windows_path
        return self.drive_c.joinpath(*win.parts[1:])

    @staticmethod
    def windows(unix_path: Path) -> str:
        """A Linux path as Wine's Z: drive sees it."""
        return "Z:" + str(unix_path.resolve()).replace("/", "\\")

    def start(self) -> None:
        """Create or start the prefix; wineserver and wineboot detached so that pipes close."""
        self.prefix.mkdir(parents=True, exist_ok=True)
        subprocess.Popen(["wineserver", "-p"], env=self.env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        boot = subprocess.Popen(["wine", "wineboot", "--init"], env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        boot.wait(timeout=600)
        deadline = time.monotonic() + 300
        while not (self.prefix / "system.reg").exists() and time.monotonic() < deadline:
            time.sleep(1)

    def stop(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, stdin=subprocess.DEVNULL,
                       capture_output=True, check=False, timeout=120)

    def run(self, args: list[str], *, timeout: float = 600, env: dict[str, str] | None = None,
            cwd: Path | None = None, stdin: bytes = b"") -> Result:
        """Run a Windows program (first item: a Windows path or a Wine built-in) with pipes for
        stdin, stdout and stderr. Output is decoded as UTF-8 (what Dump Doctor writes)."""
        run_env = dict(self.env)
        for key, value in (env or {}).items():
            # Wine drops QT_* on the way in; WINEQT_* is how they arrive.
            run_env["WINE" + key if key.startswith("QT_") else key] = value
        start = time.perf_counter()
        try:
            done = subprocess.run(["wine", *args], env=run_env, input=stdin, capture_output=True,
                                  timeout=timeout, cwd=cwd, check=False)
        except subprocess.TimeoutExpired as exc:
            return Result(124, _decode(exc.stdout), _decode(exc.stderr) + f"\n(timed out after {timeout} s)",
                          time.perf_counter() - start)
        return Result(done.returncode, _decode(done.stdout), _decode(done.stderr),
                      time.perf_counter() - start)


def _decode(data: bytes | str | None) -> str:
    if data is None:
        return ""
    if isinstance(data, str):
        return data
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def have(*programs: str) -> list[str]:
    """The programs that are not on PATH."""
    return [p for p in programs if shutil.which(p) is None]
