/* ProcessPrng for Wine 8, which lacks it: Rust's standard library (>= 1.78) takes its random
   numbers from here. RtlGenRandom (advapi32 SystemFunction036) is what it used before. */
#include <windows.h>

typedef BOOLEAN (WINAPI *rtl_gen_random)(PVOID, ULONG);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    static rtl_gen_random gen;
    if (!gen) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (!advapi) return FALSE;
        gen = (rtl_gen_random)(void *)GetProcAddress(advapi, "SystemFunction036");
        if (!gen) return FALSE;
    }
    while (len) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!gen(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
