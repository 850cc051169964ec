"""Triage many machines at once: a helpdesk queue of bundles, one row per machine (docs/report-schema.md)."""

from core.triage.row import COLUMN_KEYS, COLUMNS, ROW_SCHEMA, TriageRow, problem_row, row_from, rows_from
from core.triage.run import TriageOptions, TriageResult, triage, triage_live

__all__ = ["COLUMNS", "COLUMN_KEYS", "ROW_SCHEMA", "TriageOptions", "TriageResult", "TriageRow",
           "problem_row", "row_from", "rows_from", "triage", "triage_live"]
