"""Offline hive reading with generated hives: values, identification, dirty hives and hostile files."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest

from core.errors import DumpDoctorError, FormatError, NotRecognisedError, TruncatedError, UnreadableError
from core.registry import detect, identify_hive, open_hive
from core.registry.keys import (
    REG_BINARY,
    REG_DWORD,
    REG_EXPAND_SZ,
    REG_MULTI_SZ,
    REG_QWORD,
    REG_SZ,
    MemoryKey,
)
from tests.builders.regf import BASE, build_hive, build_old_log, make_dirty


def system_tree() -> MemoryKey:
    root = MemoryKey("CMI-CreateHive{2A7FB991}")
    root.ensure("Select").set("Current", REG_DWORD, 1)
    svc = root.ensure(r"ControlSet001\Services\LSI_SAS")
    svc.set("Start", REG_DWORD, 0)
    svc.set("ImagePath", REG_EXPAND_SZ, r"system32\DRIVERS\lsi_sas.sys")
    svc.set("Group", REG_SZ, "SCSI Miniport")
    svc.set("DependOnService", REG_MULTI_SZ, ["a", "b"])
    svc.set("Blob", REG_BINARY, bytes(range(40)))
    svc.set("Big", REG_QWORD, 2**40 + 5)
    svc.set("", REG_SZ, "default")
    root.ensure(r"ControlSet001\Services\Ünïcode")
    return root


def write(tmp_path: Path, data: bytes, name: str = "SYSTEM") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def walk(key) -> int:
    count = 1
    for val in key.values():
        assert val is not None
    for sub in key.subkeys():
        count += walk(sub)
    return count


def test_values_read_back_with_their_types(tmp_path: Path) -> None:
    root = open_hive(write(tmp_path, build_hive(system_tree()).data))
    svc = root.subkey(r"controlset001\services\lsi_sas")
    assert svc is not None
    assert svc.path == r"HKLM\SYSTEM\ControlSet001\Services\LSI_SAS"
    assert svc.get("Start") == 0
    assert svc.get_str("ImagePath") == r"system32\DRIVERS\lsi_sas.sys"
    assert svc.get("DependOnService") == ["a", "b"]
    assert svc.get("Blob") == bytes(range(40))
    assert svc.get("Big") == 2**40 + 5
    assert svc.get("") == "default"
    assert root.subkey(r"ControlSet001\Services\Ünïcode") is not None
    assert root.notes == [] and not root.dirty


def test_identify_by_content_not_by_name(tmp_path: Path) -> None:
    soft = MemoryKey("ROOT")
    for name in ("Microsoft", "Classes", "Policies"):
        soft.ensure(name)
    path = write(tmp_path, build_hive(soft, file_name="").data, name="SYSTEM")  # misleading file name
    assert identify_hive(path) == "SOFTWARE"
    assert open_hive(path).path == r"HKLM\SOFTWARE"
    named = write(tmp_path, build_hive(MemoryKey("x"), file_name=r"\??\C:\Users\a\ntuser.dat").data, "h")
    assert identify_hive(named) == "NTUSER"
    sys_hive = write(tmp_path, build_hive(system_tree(), file_name="").data, "other")
    assert identify_hive(sys_hive) == "SYSTEM"


def test_detect_and_identify_reject_other_files(tmp_path: Path) -> None:
    other = write(tmp_path, b"PAGEDU64" + bytes(100), "x.dmp")
    assert not detect(other)
    assert identify_hive(other) is None
    with pytest.raises(NotRecognisedError) as err:
        open_hive(other)
    assert str(other) in str(err.value) and "regf" in str(err.value)
    with pytest.raises(UnreadableError):
        open_hive(tmp_path / "missing")


@pytest.mark.parametrize("cut", [0, 3, 0x200, BASE + 0x10])
def test_truncated_before_the_first_key_is_a_clear_error(tmp_path: Path, cut: int) -> None:
    path = write(tmp_path, build_hive(system_tree()).data[:cut])
    with pytest.raises(DumpDoctorError) as err:
        open_hive(path)
    assert str(path) in str(err.value)
    if cut >= 4:
        assert isinstance(err.value, TruncatedError)


def test_truncated_hive_bin_fails_while_walking_naming_the_file(tmp_path: Path) -> None:
    image = build_hive(system_tree())
    cut = BASE + image.key_offsets[r"ControlSet001\Services\LSI_SAS"] + 8
    path = write(tmp_path, image.data[:cut])
    with pytest.raises(FormatError) as err:
        walk(open_hive(path))
    assert str(path) in str(err.value)


def test_cell_pointing_outside_the_file(tmp_path: Path) -> None:
    image = build_hive(system_tree())
    lh = BASE + image.list_offsets[r"ControlSet001\Services"]
    struct.pack_into("<I", image.data, lh + 8, 0x7FFFFF00)  # first element's key offset
    path = write(tmp_path, image.data)
    with pytest.raises(FormatError) as err:
        walk(open_hive(path))
    assert str(path) in str(err.value) and "offset" in str(err.value)


def test_key_cycle_is_reported_not_followed_forever(tmp_path: Path) -> None:
    image = build_hive(system_tree())
    lh = BASE + image.list_offsets[r"ControlSet001\Services"]
    struct.pack_into("<I", image.data, lh + 8, image.key_offsets["ControlSet001"])
    path = write(tmp_path, image.data)
    with pytest.raises(FormatError, match="cycle") as err:
        walk(open_hive(path))
    assert str(path) in str(err.value)


def test_root_cell_outside_the_file(tmp_path: Path) -> None:
    image = build_hive(system_tree())
    struct.pack_into("<I", image.data, 0x24, 0x10000000)
    with pytest.raises(FormatError, match="root"):
        open_hive(write(tmp_path, image.data))


def test_transaction_log_given_as_hive(tmp_path: Path) -> None:
    image = build_hive(system_tree())
    log = build_old_log(bytes(image.data), bytes(image.data))
    with pytest.raises(NotRecognisedError, match="transaction log"):
        open_hive(write(tmp_path, log, "SYSTEM.LOG1"))


def _dirty_pair(tmp_path: Path) -> tuple[Path, bytes]:
    """A dirty primary whose LSI_SAS Start still says 3, and an old-format log holding Start=0."""
    image = build_hive(system_tree())
    wanted = bytes(image.data)
    primary = make_dirty(wanted)
    vk = BASE + image.value_offsets[(r"ControlSet001\Services\LSI_SAS", "Start")]
    struct.pack_into("<I", primary, vk + 4 + 8, 3)  # inline DWORD data of the vk
    path = write(tmp_path, bytes(primary))
    (tmp_path / "system.log1").write_bytes(build_old_log(bytes(primary), wanted))  # lower case on purpose
    return path, bytes(primary)


def test_dirty_hive_logs_are_replayed_in_memory(tmp_path: Path) -> None:
    path, primary = _dirty_pair(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    root = open_hive(path)
    assert root.dirty
    assert root.subkey(r"ControlSet001\Services\LSI_SAS").get("Start") == 0
    assert any("replayed" in n and "system.log1" in n for n in root.notes)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # evidence untouched
    assert path.read_bytes() == primary


def test_dirty_hive_without_logs_says_so(tmp_path: Path) -> None:
    path, _primary = _dirty_pair(tmp_path)
    (tmp_path / "system.log1").unlink()
    root = open_hive(path)
    assert root.subkey(r"ControlSet001\Services\LSI_SAS").get("Start") == 3
    assert any("without its transaction logs" in n for n in root.notes)


def test_unusable_log_is_noted_and_primary_still_read(tmp_path: Path) -> None:
    path, _primary = _dirty_pair(tmp_path)
    (tmp_path / "system.log1").write_bytes(b"regf" + bytes(20))
    root = open_hive(path)
    assert root.subkey(r"ControlSet001\Services\LSI_SAS").get("Start") == 3
    assert any("could not be applied" in n for n in root.notes)


def test_undecodable_values_are_skipped_and_the_user_is_told(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from core.registry import hive as hive_module
    from core.registry import read_registry_facts

    real = hive_module.decode_value

    def fragile(type_: int, raw: bytes):  # type: ignore[no-untyped-def]
        if type_ == REG_QWORD:
            raise ValueError("damaged value data")
        return real(type_, raw)

    monkeypatch.setattr(hive_module, "decode_value", fragile)
    root = open_hive(write(tmp_path, build_hive(system_tree()).data))
    facts = read_registry_facts(root, None)
    assert facts.services["lsi_sas"].image_path == r"system32\DRIVERS\lsi_sas.sys"  # the key's others
    assert any("1 registry value(s) could not be decoded" in n and "SYSTEM" in n for n in facts.hive_notes)
