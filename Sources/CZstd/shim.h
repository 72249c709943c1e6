// zstd, for compressing raw snapshots: at its level 1 about twice libdeflate's fastest speed, and smaller.
#include <zstd.h>
