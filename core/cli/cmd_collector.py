"""`dumpdoctor collector -o DIR`: save the evidence collector (collect.cmd + README.txt) for a
Windows Vista/7/2008/2008 R2 machine that cannot run Dump Doctor itself.

Exit status: 0 saved, 2 the folder could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.bundle.collector import save_collector
from core.cli.main import EXIT_OK, EXIT_USAGE
from core.errors import UsageError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("collector", help="save the evidence collector for old Windows versions",
                       description="Save collect.cmd and its README to a folder (e.g. a USB stick). "
                                   "Run it as administrator on Windows Vista, 7, Server 2008 or 2008 R2; "
                                   "it writes a bundle folder Dump Doctor can open.")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to save the collector in")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        written = save_collector(Path(args.output))
    except UsageError as exc:
        print(f"dumpdoctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Saved the collector to {Path(args.output)}:")
    for path in written:
        print(f"  {path.name}")
    print("On the computer to examine: right-click collect.cmd, choose \"Run as administrator\", "
          "then send the folder it creates.")
    return EXIT_OK
