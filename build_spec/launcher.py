"""Entry script of both executables. One analysis, two names: the console twin (`dumpdoctor-cli`)
runs the command line, the windowed `DumpDoctor` runs the wizard. The twin is not called
`dumpdoctor.exe` because Windows file names ignore case: it would overwrite `DumpDoctor.exe`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

OUTPUT_ENV = "DUMPDOCTOR_OUTPUT"


def _windowed_output() -> None:
    """The windowed exe has no stdout on Windows (sys.stdout is None), so what `--self-test` and
    `--self-check` print would be lost; a test names a file to receive it instead."""
    target = os.environ.get(OUTPUT_ENV)
    if target and sys.stdout is None:
        stream = Path(target).open("a", encoding="utf-8", buffering=1)  # noqa: SIM115 - app-long
        sys.stdout = sys.stderr = stream


def main() -> int:
    _windowed_output()
    from core.cli.main import use_utf8_output

    use_utf8_output()  # whatever runs below prints UTF-8, as the command line does
    if sys.argv[1:2] == ["--self-check"]:
        # Every reader on the samples shipped inside the exe (build_spec/selfcheck_samples.py).
        from core.selfcheck import run

        return run()
    if Path(sys.executable).stem.lower().endswith("-cli"):
        from core.cli.main import main as cli_main

        return cli_main()
    from gui.app import main as gui_main

    return int(gui_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
