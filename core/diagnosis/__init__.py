"""Evidence → Diagnosis: the known-issue verdicts and the other findings a helpdesk needs.

`diagnose` is looked up on first use, not imported here: the engine also weighs the readiness
verdict, and core.readiness.model builds on core.diagnosis.model — importing the engine with the
package would make `import core.readiness.model` on its own a circular import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.diagnosis.model import Diagnosis, Finding, Verdict, VerdictId

if TYPE_CHECKING:
    from core.diagnosis.engine import diagnose

__all__ = ["Diagnosis", "Finding", "Verdict", "VerdictId", "diagnose"]


def __getattr__(name: str) -> Any:
    if name == "diagnose":
        from core.diagnosis.engine import diagnose

        return diagnose
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
