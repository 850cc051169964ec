"""Build the Dump Doctor executables with PyInstaller: `python -m build_spec` (or `python3 dev.py build`)."""
