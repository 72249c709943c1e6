// zlib, only to read the gzip members of stores written before zstd (see CZlibShims).
#include <zlib.h>
