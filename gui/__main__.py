"""`python -m gui`: the same as the dumpdoctor-gui entry point."""

import sys

from gui.app import main

sys.exit(main())
