"""`dumpdoctor scan` — NOT BUILT YET (placeholder so the dispatcher imports; replace me)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("scan", help="(not built yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("dumpdoctor scan is not built yet")
