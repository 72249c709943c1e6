#ifndef PW_ZLIB_H
#define PW_ZLIB_H

#include <stddef.h>

// C shim for zlib: inflateInit2 is a macro, Swift cannot call it. Stores written before zstd (Zstd.swift) hold raw
// snapshots as gzip members; zlib reads them back (Gzip.swift, in PolicyWatchSupport).

/// Why: inflateInit2 is a macro. Decompresses a gzip stream, refusing output larger than `limit` bytes.
/// On success returns 0 and sets *out (allocated with malloc: the caller frees it with free()) and *out_length;
/// on failure returns a zlib error code (Z_BUF_ERROR when over `limit` or truncated) and sets nothing.
int pw_gunzip(const unsigned char *data, size_t length, size_t limit, unsigned char **out, size_t *out_length);

#endif
