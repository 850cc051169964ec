"""The `dumpdoctor` command line: one module per sub-command, same analysis as the GUI."""
