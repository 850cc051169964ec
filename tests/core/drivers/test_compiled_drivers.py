"""Real compiler output (issue #13): tiny Storport miniports compiled and linked by the MinGW-w64 GCC
toolchain when it is installed, classified from their code. GCC's code differs from the project's PE
builder: it zeroes with a memset call through a thunk, stores HwInitializationDataSize and
AdapterInterfaceType as one qword, reaches StorPortInitialize through a linker thunk (no dllimport), a
direct `call [IAT]` (dllimport, -O2) or `mov rax, [IAT]; call rax` (dllimport, -O0), and `or`s the flags
into FeatureSupport. The structure below is written from the public layout (storport.h documentation),
not copied from a header. x64 only: the toolchain here has no 32-bit linker."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.drivers.loose import loose_driver
from core.drivers.model import DriverKind

GCC = shutil.which("x86_64-w64-mingw32-gcc")
DLLTOOL = shutil.which("x86_64-w64-mingw32-dlltool")
pytestmark = pytest.mark.skipif(GCC is None or DLLTOOL is None,
                                reason="MinGW-w64 (x86_64-w64-mingw32-gcc, dlltool) is not installed; the "
                                       "PE builder's compiler-shaped fixtures cover the same forms")

SOURCE = r"""
typedef unsigned long ULONG; typedef unsigned short USHORT; typedef unsigned char UCHAR;
typedef void *PVOID;
typedef struct {
  ULONG HwInitializationDataSize; int AdapterInterfaceType;
  PVOID HwInitialize, HwStartIo, HwInterrupt, HwFindAdapter, HwResetBus, HwDmaStarted, HwAdapterState;
  ULONG DeviceExtensionSize, SpecificLuExtensionSize, SrbExtensionSize, NumberOfAccessRanges;
  PVOID Reserved;
  UCHAR MapBuffers, NeedPhysicalAddresses, TaggedQueuing, AutoRequestSense, MultipleRequestPerLu;
  UCHAR ReceiveEvent;
  USHORT VendorIdLength; PVOID VendorId; USHORT PortVersionFlags; USHORT DeviceIdLength; PVOID DeviceId;
  PVOID HwAdapterControl, HwBuildIo;
#if defined(VIRTUAL) || defined(WIN8)
  PVOID HwFreeAdapterResources, HwProcessServiceRequest, HwCompleteServiceIrp, HwInitializeTracing;
  PVOID HwCleanupTracing;
#endif
#ifdef WIN8
  PVOID HwTracingEnabled; ULONG FeatureSupport, SrbTypeFlags, AddressTypeFlags, Reserved1;
  PVOID HwUnitControl;
#endif
} INIT_DATA;
#ifdef IMPORT
#define IMP __declspec(dllimport)
#else
#define IMP
#endif
IMP ULONG __stdcall StorPortInitialize(PVOID, PVOID, INIT_DATA *, PVOID);
IMP void *memset(void *, int, unsigned long long);
static unsigned char StartIo(PVOID a, PVOID b) { return a != b; }
static unsigned char FindAdapter(PVOID a) { return a == 0; }
ULONG __stdcall DriverEntry(PVOID DriverObject, PVOID RegistryPath) {
  INIT_DATA init;
  memset(&init, 0, sizeof(init));
  init.HwInitializationDataSize = sizeof(INIT_DATA);
  init.AdapterInterfaceType = IFTYPE;
  init.HwStartIo = (PVOID)StartIo;
  init.HwFindAdapter = (PVOID)FindAdapter;
  init.DeviceExtensionSize = 0x100;
  init.TaggedQueuing = 1; init.AutoRequestSense = 1; init.MultipleRequestPerLu = 1;
#ifdef WIN8
  init.FeatureSupport |= FEATURES;
#endif
  return StorPortInitialize(DriverObject, RegistryPath, &init, 0);
}
"""

FORMS = {
    "virtual-struct": (["-DVIRTUAL", "-DIFTYPE=0"], DriverKind.STORPORT_VIRTUAL),
    "feature-flag": (["-DWIN8", "-DFEATURES=0x29", "-DIFTYPE=0"], DriverKind.STORPORT_VIRTUAL),
    "legacy-pci": (["-DIFTYPE=5"], DriverKind.STORPORT_PHYSICAL),
    "win8-physical": (["-DWIN8", "-DFEATURES=0x8", "-DIFTYPE=5"], DriverKind.STORPORT_PHYSICAL),
}


@pytest.fixture(scope="module")
def toolchain(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mingw")
    (folder / "storport.def").write_text("LIBRARY storport.sys\nEXPORTS\nStorPortInitialize\n")
    (folder / "ntos.def").write_text("LIBRARY ntoskrnl.exe\nEXPORTS\nmemset\n")
    (folder / "miniport.c").write_text(SOURCE)
    for name in ("storport", "ntos"):
        subprocess.run([DLLTOOL, "-d", str(folder / f"{name}.def"), "-l", str(folder / f"lib{name}.a")],
                       check=True, capture_output=True, timeout=60)
    return folder


def _compile(folder: Path, out: str, flags: list[str]) -> Path:
    target = folder / out
    subprocess.run([GCC, *flags, "-ffreestanding", "-fno-builtin", "-nostdlib", "-shared",
                    "-Wl,--subsystem,native", "-Wl,--entry,DriverEntry", "-o", str(target),
                    str(folder / "miniport.c"), f"-L{folder}", "-lstorport", "-lntos"],
                   check=True, capture_output=True, timeout=120)
    return target


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize(("link", "optimise", "call"), [
    ("thunk", "-O2", "thunk"), ("import", "-O2", "direct"), ("import", "-O0", "register"),
])
def test_compiled_miniport_is_classified_from_its_code(toolchain, form, link, optimise, call):
    flags, expected = FORMS[form]
    extra = ["-DIMPORT"] if link == "import" else []
    path = _compile(toolchain, f"nobody_{form}_{link}{optimise}.sys", [*flags, *extra, optimise])
    d = loose_driver(path, str(path))
    assert d.kind is expected, d.reasons
    assert d.decided_by == "code"
    (hint,) = d.pe.init_data_hints
    assert hint.call_kind == call
