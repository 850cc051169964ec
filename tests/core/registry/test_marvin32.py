"""Our Marvin32 must give python-registry's results exactly: a wrong hash would make the replay
reject every entry of a Windows 8.1+ transaction log (or accept a torn one)."""

from __future__ import annotations

import random

import pytest
from Registry import RegistryParse

from core.registry.marvin32 import REGISTRY_SEED, marvin32, use_for_python_registry


def _library_hash(data: bytes, seed: int = REGISTRY_SEED) -> int:
    block = RegistryParse.HvLEBlock.__new__(RegistryParse.HvLEBlock)
    block._marvin32seed = seed
    # Once a dirty hive was opened in this process, the library's own function is kept aside.
    original = RegistryParse.HvLEBlock.__dict__.get("library_marvin32_hash",
                                                    RegistryParse.HvLEBlock.__dict__["marvin32_hash"])
    assert not getattr(original, "dumpdoctor", False)
    return int(original(block, data))


@pytest.mark.parametrize("length", [*range(0, 12), 31, 32, 33, 512, 4096, 4099])
def test_same_as_python_registry_for_every_tail_length(length: int) -> None:
    rng = random.Random(length)
    data = bytes(rng.randrange(256) for _ in range(length))
    assert marvin32(data) == _library_hash(data)


def test_other_seeds_and_all_ones() -> None:
    for seed in (0, 1, 0xFFFFFFFFFFFFFFFF, 0x0123456789ABCDEF):
        data = b"\xff" * 64 + b"\x00" * 7
        assert marvin32(data, seed) == _library_hash(data, seed)


def test_hash_changes_with_one_bit() -> None:
    data = bytearray(512)
    before = marvin32(data)
    data[300] ^= 0x10
    assert marvin32(data) != before


def test_installed_into_python_registry() -> None:
    use_for_python_registry()
    block = RegistryParse.HvLEBlock.__new__(RegistryParse.HvLEBlock)
    block._marvin32seed = REGISTRY_SEED
    assert block.marvin32_hash(b"registry") == marvin32(b"registry")
