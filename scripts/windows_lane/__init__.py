"""The Windows lane (see __main__.py)."""
