"""Evidence → Diagnosis: the known-issue verdicts and the other findings a helpdesk needs."""

from core.diagnosis.engine import diagnose
from core.diagnosis.model import Diagnosis, Finding, Verdict, VerdictId

__all__ = ["Diagnosis", "Finding", "Verdict", "VerdictId", "diagnose"]
