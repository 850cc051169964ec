"""The init-data facts the code scan and the classification share (sources: see init_data_scan's
docstring), kept apart from the scanner so that reading them does not load the disassembler."""

from __future__ import annotations

from core.drivers.model import InitDataHint

VIRTUAL_STRUCT = "VIRTUAL_HW_INITIALIZATION_DATA"
LEGACY_STRUCT = "HW_INITIALIZATION_DATA (before Windows 8)"
WIN8_STRUCT = "HW_INITIALIZATION_DATA (Windows 8 and later)"
UNREAD_STRUCT = "not read"

INIT_DATA_SIZES: dict[int, dict[int, str]] = {
    32: {0x54: LEGACY_STRUCT, 0x68: VIRTUAL_STRUCT, 0x80: WIN8_STRUCT},
    64: {0x88: LEGACY_STRUCT, 0xB0: VIRTUAL_STRUCT, 0xD0: WIN8_STRUCT},
}
FEATURE_SUPPORT_OFFSET = {32: 0x6C, 64: 0xB8}
STOR_FEATURE_VIRTUAL_MINIPORT = 0x1
PCI_BUS = 5


def hint_is_virtual(hint: InitDataHint) -> bool:
    if hint.structure == VIRTUAL_STRUCT:
        return True
    return hint.feature_support is not None and bool(
        hint.feature_support & hint.feature_known_mask & STOR_FEATURE_VIRTUAL_MINIPORT)


def hint_is_physical(hint: InitDataHint) -> bool:
    """The call passes a structure that proves the physical interface: the pre-Windows 8 layout, or the
    Windows 8 layout with the virtual bit known to be clear."""
    if hint.structure == LEGACY_STRUCT:
        return True
    return (hint.structure == WIN8_STRUCT
            and bool(hint.feature_known_mask & STOR_FEATURE_VIRTUAL_MINIPORT)
            and not (hint.feature_support or 0) & STOR_FEATURE_VIRTUAL_MINIPORT)
