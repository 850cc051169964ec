"""Start-up of the command line against a bare interpreter, alternating, min and median of N runs.

Run: .venv/bin/python benchmarks/bench_startup.py [N]
Each figure is a whole process (fork, exec, imports, exit), as a fleet tool or a user sees it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "bare interpreter (python -c pass)": [sys.executable, "-c", "pass"],
    "dumpdoctor --version": [sys.executable, "-m", "core.cli.main", "--version"],
    "dumpdoctor --help (imports every command)": [sys.executable, "-m", "core.cli.main", "--help"],
    "dumpdoctor scan --demo --json": [sys.executable, "-m", "core.cli.main", "scan", "--demo", "--json"],
}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, cmd in COMMANDS.items():  # alternate, so machine load hits every command alike
            start = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    bare = statistics.median(times["bare interpreter (python -c pass)"])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:44} min {min(values) * 1000:6.0f} ms  median {med * 1000:6.0f} ms  "
              f"({med / bare:.1f}x the bare interpreter)")


if __name__ == "__main__":
    main()
