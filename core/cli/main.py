"""`dumpdoctor` entry point. Sub-commands live in core/cli/cmd_<name>.py, each with
`add_parser(subparsers)` that registers itself and sets `func(args) -> int`.

Exit codes (stable, fleet scripts key on them): 0 nothing wrong, 1 a problem was found (or, for
`dump`, a file could not be read), 2 usage error, 3 evidence unreadable, 4 can't tell yet.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType

from core.logsetup import setup_logging
from core.version import __version__

COMMANDS = ("scan", "readiness", "dump", "system", "drivers", "events", "bundle", "collector", "triage")

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_CANT_TELL = 4
EXIT_DEGRADED = 5  # `readiness` only: a dump will be written but may be lost or delayed


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl+C: every `finally` and cleanup runs (temporary files, partial
    bundles) instead of the process vanishing with them left behind."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise Terminated


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser(only: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The parser with the sub-commands named in `only` (each imported only when named)."""
    parser = _Parser(prog="dumpdoctor",
                     description="Diagnose Windows crashes and missing crash dumps.")
    parser.add_argument("--version", action="version", version=f"Dump Doctor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in only:
        module = importlib.import_module(f"core.cli.cmd_{name}")
        module.add_parser(sub)
    return parser


def _commands_needed(argv: Sequence[str]) -> Sequence[str]:
    """Which sub-commands to import: a start-up imports only the one it runs (each pulls in its
    readers), `--version` none; help, no command or a misspelt one need them all to list them."""
    for arg in argv:
        if arg in ("-h", "--help"):
            return COMMANDS
        if arg == "--version":
            return ()
        if not arg.startswith("-"):
            return (arg,) if arg in COMMANDS else COMMANDS
    return COMMANDS


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # the frozen exe: `triage` workers start this same executable
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_commands_needed(argv))
    args = parser.parse_args(argv)
    # Library warnings go to the log file, not the terminal: what a user needs to know is in the report
    # (with -v, progress and warnings are shown on stderr too).
    setup_logging(verbose=bool(args.verbose), to_stderr=bool(args.verbose))
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    previous = _install_sigterm()
    try:
        return int(args.func(args))
    except Terminated:
        print("dumpdoctor: terminated; temporary and unfinished files were removed", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `dumpdoctor ... | head`
        return EXIT_OK
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _install_sigterm() -> signal.Handlers | Callable[[int, FrameType | None], object] | int | None:
    """Route SIGTERM to Terminated (main thread only, where Python delivers signals)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # pragma: no cover - embedded interpreters
        return None


if __name__ == "__main__":
    sys.exit(main())
