// libdeflate, for compressing raw snapshots into gzip members about twice as fast as zlib at its fastest level.
#include <libdeflate.h>
