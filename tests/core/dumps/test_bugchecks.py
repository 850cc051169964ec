"""Every documented bug check has a name and a plain sentence; unknown codes say so."""

from __future__ import annotations

import re

import pytest

from core.dumps import bugchecks, lookup

REQUIRED_PARAMETER_NOTES = [0xD1, 0x0A, 0x1E, 0x3B, 0x50, 0x7E, 0x9F, 0xA0, 0xD5, 0x133, 0x139,
                            0x1000007E]


def test_the_table_covers_the_documented_range() -> None:
    codes = {info.code for info in bugchecks.all_codes()}
    assert len(codes) >= 390
    assert set(range(0x1, 0x83)) <= codes  # the contiguous classic range
    for code in (0x1A0, 0xC0000218, 0xC000021A, 0xDEADDEAD, 0x1000007E, 0x1000008E, 0x100000EA):
        assert code in codes, hex(code)


@pytest.mark.parametrize("info", bugchecks.all_codes(), ids=lambda i: i.hex_code)
def test_every_entry_is_a_named_single_sentence(info: bugchecks.BugCheckInfo) -> None:
    assert re.fullmatch(r"[A-Z0-9_]+", info.name)
    assert info.meaning[0].isupper() and info.meaning.endswith(".")
    assert info.meaning.count(". ") == 0, "one sentence only"
    assert info.documented


def test_names_are_unique() -> None:
    names = [info.name for info in bugchecks.all_codes()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("code", REQUIRED_PARAMETER_NOTES, ids=hex)
def test_parameters_explained_for_the_common_codes(code: int) -> None:
    notes = lookup(code).parameters
    assert all(notes), notes


def test_known_names() -> None:
    assert lookup(0xD1).name == "DRIVER_IRQL_NOT_LESS_OR_EQUAL"
    assert lookup(0x1000007E).name == "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"
    assert lookup(0xC000021A).name == "STATUS_SYSTEM_PROCESS_TERMINATED"
    assert lookup(0x7B).name == "INACCESSIBLE_BOOT_DEVICE"


def test_sign_extended_code_is_the_same_code() -> None:
    assert lookup(0xFFFFFFFFC000021A).name == "STATUS_SYSTEM_PROCESS_TERMINATED"


def test_unknown_code() -> None:
    info = lookup(0x1F00)
    assert info.name == "0x00001F00"
    assert info.meaning == "not a documented code"
    assert not info.documented
