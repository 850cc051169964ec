"""Diagnosis + Evidence → text, HTML and JSON reports (one wording source: core.diagnosis.wording)."""

from core.report.html_report import render_html
from core.report.json_report import SCHEMA_VERSION, render_json
from core.report.text import render_text

__all__ = ["SCHEMA_VERSION", "render_html", "render_json", "render_text"]
