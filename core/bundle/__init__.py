"""Support bundles: export a scan's evidence and report as one zip, redact it, and the collector
script that gathers the same layout on Windows versions the GUI cannot run on."""
