"""Registry evidence: offline hives, `.reg` exports and the live registry behind one RegKey interface,
and the system facts Dump Doctor reads from them."""

from core.registry.facts import read_registry_facts
from core.registry.hive import HiveRoot, detect, open_hive
from core.registry.hive_identify import identify_hive
from core.registry.reg_export import RegExport, read_reg_export, read_reg_exports

__all__ = [
    "HiveRoot",
    "RegExport",
    "detect",
    "identify_hive",
    "open_hive",
    "read_reg_export",
    "read_reg_exports",
    "read_registry_facts",
]
