"""Dump readiness: will the next crash on this machine leave a usable dump, and why did a past crash
leave none? Checks are data (resources/knowledge/readiness.json) evaluated by small registered
predicates (core.readiness.checks); `assess_readiness` (core.readiness.engine) gives the verdict.

This package's __init__ imports nothing: core.evidence imports core.readiness.facts_model, and the
engine imports core.evidence."""
