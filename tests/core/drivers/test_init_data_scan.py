"""The StorPortInitialize heuristic: which init-data structure the code stores before the call."""

from __future__ import annotations

import pytest

from core.drivers import inspect_pe
from core.drivers.init_data_scan import INIT_DATA_SIZES, VIRTUAL_STRUCT, hint_is_physical, hint_is_virtual
from tests.builders.pe import build_driver, storport_init_call

STORPORT = {"storport.sys": ["StorPortNotification", "StorPortInitialize"]}


@pytest.mark.parametrize("bits", [32, 64])
def test_virtual_init_data_size_is_found(tmp_path, bits):
    size = {32: 0x68, 64: 0xB0}[bits]
    info = inspect_pe(build_driver(tmp_path / "v.sys", bits=bits, imports=STORPORT,
                                   code=storport_init_call(size, interface_type=0)))
    assert [h.structure for h in info.init_data_hints] == [VIRTUAL_STRUCT]
    assert info.init_data_hints[0].interface_type == 0
    assert hint_is_virtual(info.init_data_hints[0])


@pytest.mark.parametrize("bits", [32, 64])
def test_physical_init_data_with_pci_bus(tmp_path, bits):
    size = {32: 0x54, 64: 0x88}[bits]
    info = inspect_pe(build_driver(tmp_path / "p.sys", bits=bits, imports=STORPORT,
                                   code=storport_init_call(size, interface_type=5)))
    (hint,) = info.init_data_hints
    assert not hint_is_virtual(hint)
    assert hint.interface_type == 5


@pytest.mark.parametrize("bits", [32, 64])
def test_windows8_layout_with_virtual_feature_flag(tmp_path, bits):
    size = {32: 0x80, 64: 0xD0}[bits]
    info = inspect_pe(build_driver(tmp_path / "w8.sys", bits=bits, imports=STORPORT,
                                   code=storport_init_call(size, feature_support=0x1)))
    (hint,) = info.init_data_hints
    assert hint.feature_support == 1
    assert hint_is_virtual(hint)


def test_size_of_the_other_bitness_is_not_taken(tmp_path):
    # 0xB0 is the x64 virtual size; in a 32-bit file it means nothing.
    info = inspect_pe(build_driver(tmp_path / "x.sys", bits=32, imports=STORPORT,
                                   code=storport_init_call(0xB0)))
    (hint,) = info.init_data_hints
    assert "unrecognised" in hint.structure
    assert not hint_is_virtual(hint)


def test_sizes_follow_the_wdk_layout():
    # virtual = pre-Windows 8 layout + five callback pointers
    for bits, ptr in ((32, 4), (64, 8)):
        by_name = {v: k for k, v in INIT_DATA_SIZES[bits].items()}
        legacy = by_name["HW_INITIALIZATION_DATA (before Windows 8)"]
        assert by_name[VIRTUAL_STRUCT] == legacy + 5 * ptr


def test_no_call_means_no_hint(tmp_path):
    info = inspect_pe(build_driver(tmp_path / "n.sys", bits=64, imports=STORPORT,
                                   code=b"\xC7\x44\x24\x40\xB0\x00\x00\x00\xC3"))
    assert info.init_data_hints == []


# ---- hostile code: the scan never raises and stays bounded -----------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.builders.pe import CodeContext  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bits=st.sampled_from([32, 64]), noise=st.binary(min_size=0, max_size=4096), at=st.integers(0, 4096))
def test_random_code_around_a_real_call_never_breaks_the_scan(tmp_path_factory, bits, noise, at):
    """Random bytes with a genuine `call [StorPortInitialize]` spliced in: the scan never raises, and every
    call it reports is a real call instruction through the StorPortInitialize slot in the file."""

    def code(ctx: CodeContext) -> bytes:
        cut = min(at, len(noise))
        head = noise[:cut]
        slot = ctx.slot("storport.sys", "StorPortInitialize")
        if bits == 64:
            call = b"\xFF\x15" + (slot - (ctx.text_rva + len(head) + 6)).to_bytes(4, "little", signed=True)
        else:
            call = b"\xFF\x15" + (ctx.image_base + slot).to_bytes(4, "little")
        return head + call + noise[cut:]

    path = build_driver(tmp_path_factory.mktemp("fz") / "f.sys", bits=bits, imports=STORPORT, code=code)
    info = inspect_pe(path)
    data = path.read_bytes()
    for hint in info.init_data_hints:
        assert data[hint.call_offset:hint.call_offset + 2] in (b"\xFF\x15", b"\x48\xFF")


def _entry_code(body):
    """A thunk to StorPortInitialize, an incremental-link jump to it, a helper, then DriverEntry."""
    import struct as _struct

    from tests.builders.pe import GeneratedCode
    from tests.builders.x86asm import Asm

    def code(ctx):
        a = Asm(64, ctx.text_rva, ctx.image_base)
        slot = ctx.slot("storport.sys", "StorPortInitialize")
        stub = a.here
        a.jmp_iat(slot).pad()
        ilt = a.here
        a.raw(b"\xE9" + _struct.pack("<i", stub - (a.here + 5))).pad()
        helper = a.here  # an unrelated function: `ret`
        a.ret().pad()
        entry = a.here
        body(a, ctx, ilt, helper)
        start = entry - ctx.text_rva
        return GeneratedCode(bytes(a.code), [(start, a.here - ctx.text_rva)], start)

    return code


def test_call_through_an_incremental_link_jump_to_the_thunk(tmp_path):
    def body(a, ctx, ilt, helper):
        a.sub_sp(0x120).mov_mem_imm("rsp", 0x40, 0xB0).lea("r8", "rsp", 0x40).call_rel(ilt)
        a.add_sp(0x120).ret()

    info = inspect_pe(build_driver(tmp_path / "i.sys", bits=64, imports=STORPORT, code=_entry_code(body)))
    (hint,) = info.init_data_hints
    assert hint.structure == VIRTUAL_STRUCT and hint.call_kind == "thunk"


def test_structure_filled_in_another_function_is_not_read_and_not_guessed(tmp_path):
    # DriverEntry zeroes the structure and hands it to a helper that fills it: the scan does not follow
    # calls, so the size is unknown — said so, never taken as physical.
    def body(a, ctx, ilt, helper):
        a.sub_sp(0x120).lea("rcx", "rsp", 0x40).call_rel(helper)  # FillInitData(&init)
        a.lea("r8", "rsp", 0x40).call_rel(ilt).add_sp(0x120).ret()

    info = inspect_pe(build_driver(tmp_path / "h.sys", bits=64, imports=STORPORT, code=_entry_code(body)))
    (hint,) = info.init_data_hints
    assert hint.structure == "not read"
    assert hint.note and "not set in the calling function" in hint.note
    assert not hint_is_virtual(hint)


def test_flag_a_helper_may_set_is_not_read_as_clear(tmp_path):
    # Zeroed, then handed to a helper, then passed on: FeatureSupport may have been set by the helper.
    def body(a, ctx, ilt, helper):
        a.sub_sp(0x120).xor_self("eax").lea("rdi", "rsp", 0x40).mov_reg_imm("ecx", 0xD0).rep_stos(1)
        a.mov_mem_imm("rsp", 0x40, 0xD0).lea("rcx", "rsp", 0x40).call_rel(helper)
        a.lea("r8", "rsp", 0x40).call_rel(ilt).add_sp(0x120).ret()

    info = inspect_pe(build_driver(tmp_path / "f.sys", bits=64, imports=STORPORT, code=_entry_code(body)))
    (hint,) = info.init_data_hints
    assert not hint_is_virtual(hint)
    assert not hint_is_physical(hint)
