"""The single place the version lives; packaging, the CLI and the exe's version resource read it."""

__version__ = "0.1.0"
