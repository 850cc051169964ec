"""The files that write a crash dump or hibernation file (FACTS §1, §3): one list, read by the drivers
reader (which lists and checks them beside the boot miniport) and by the bundle layout (which always
collects them). A module of its own, without imports, so that neither has to import the other."""

from __future__ import annotations

DUMP_STACK_FILES = ("diskdump.sys", "crashdmp.sys", "storport.sys", "dumpata.sys")
# A bundle without these cannot answer the fix check; dumpata.sys exists only for IDE boot disks.
REQUIRED_DUMP_STACK_FILES = ("diskdump.sys", "crashdmp.sys", "storport.sys")
