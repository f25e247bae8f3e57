#ifndef CALLGATE_BENCH_CZLIB_SHIM_H
#define CALLGATE_BENCH_CZLIB_SHIM_H

// The system zlib for the load generator's permessage-deflate client (RFC 7692).
// deflateInit2 and inflateInit2 are macros, which Swift cannot call: these wrappers can.
#include <zlib.h>

static inline int CZlibBench_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY);
}

static inline int CZlibBench_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

#endif
