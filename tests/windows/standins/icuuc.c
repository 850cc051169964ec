/* The system ICU entry points Qt6Core 6.12 imports (Windows 10 ships icuuc.dll; Wine 8 does not).
   Every converter request fails, so Qt falls back to its built-in codecs. */
#include <stddef.h>

#define U_UNSUPPORTED_ERROR 16
#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, int *err) { (void)name; if (err) *err = U_UNSUPPORTED_ERROR; return NULL; }
EXPORT void ucnv_close(void *c) { (void)c; }
EXPORT void ucnv_reset(void *c) { (void)c; }
EXPORT int ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *n, const char *s, int *err) { (void)n; (void)s; if (err) *err = U_UNSUPPORTED_ERROR; return NULL; }
EXPORT const char *ucnv_getName(const void *c, int *err) { (void)c; if (err) *err = U_UNSUPPORTED_ERROR; return NULL; }
EXPORT signed char ucnv_getMaxCharSize(const void *c) { (void)c; return 4; }
EXPORT void ucnv_getToUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, int *err) { (void)c; (void)n; (void)nc; (void)o; (void)oc; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, int *err) { (void)c; (void)n; (void)nc; (void)o; (void)oc; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl, int *o, signed char f, int *err) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl, int *o, signed char f, int *err) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT int ucnv_toUCountPending(const void *c, int *err) { (void)c; if (err) *err = U_UNSUPPORTED_ERROR; return 0; }
EXPORT int ucnv_fromUCountPending(const void *c, int *err) { (void)c; if (err) *err = U_UNSUPPORTED_ERROR; return 0; }
EXPORT void ucnv_cbToUWriteUChars(void *a, const void *s, int l, int o, int *err) { (void)a; (void)s; (void)l; (void)o; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_cbFromUWriteUChars(void *a, const void **s, const void *sl, int o, int *err) { (void)a; (void)s; (void)sl; (void)o; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const void *u, int l, int cp, int r, int *err) { (void)c; (void)a; (void)u; (void)l; (void)cp; (void)r; if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const char *b, int l, int r, int *err) { (void)c; (void)a; (void)b; (void)l; (void)r; if (err) *err = U_UNSUPPORTED_ERROR; }
