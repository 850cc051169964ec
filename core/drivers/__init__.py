"""Storage drivers: PE inspection, dump-path classification and the Diskdump/Crashdmp fix check."""

from core.drivers.fix_check import check_fix
from core.drivers.pe_inspect import MAX_PE_SIZE, inspect_pe
from core.drivers.storage import assess_loose, assess_storage

__all__ = ["MAX_PE_SIZE", "assess_loose", "assess_storage", "check_fix", "inspect_pe"]
