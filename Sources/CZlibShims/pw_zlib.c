#include "pw_zlib.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int pw_gunzip(const unsigned char *data, size_t length, size_t limit, unsigned char **out, size_t *out_length) {
  if (length > (size_t)UINT_MAX / 2 || limit > (size_t)UINT_MAX / 2) {
    return Z_BUF_ERROR;  // zlib counts in uInt
  }
  z_stream stream;
  memset(&stream, 0, sizeof(stream));
  int status = inflateInit2(&stream, 15 + 16);
  if (status != Z_OK) {
    return status;
  }
  size_t capacity = length * 4 + 1024;
  if (capacity > limit + 1) {
    capacity = limit + 1;
  }
  unsigned char *buffer = malloc(capacity);
  if (buffer == NULL) {
    inflateEnd(&stream);
    return Z_MEM_ERROR;
  }
  stream.next_in = (Bytef *)data;
  stream.avail_in = (uInt)length;
  for (;;) {
    stream.next_out = buffer + stream.total_out;
    stream.avail_out = (uInt)(capacity - stream.total_out);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_STREAM_END) {
      break;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      break;
    }
    if (stream.avail_out > 0) {
      status = Z_BUF_ERROR;  // no progress possible: the input is truncated
      break;
    }
    if (capacity > limit) {
      status = Z_BUF_ERROR;  // over the limit
      break;
    }
    size_t grown = capacity * 2 > limit + 1 ? limit + 1 : capacity * 2;
    unsigned char *bigger = realloc(buffer, grown);
    if (bigger == NULL) {
      status = Z_MEM_ERROR;
      break;
    }
    buffer = bigger;
    capacity = grown;
  }
  size_t produced = stream.total_out;
  inflateEnd(&stream);
  if (status == Z_STREAM_END && produced > limit) {
    status = Z_BUF_ERROR;  // the buffer holds one byte more than the limit, to tell "exactly" from "over"
  }
  if (status != Z_STREAM_END) {
    free(buffer);
    return status == Z_OK ? Z_BUF_ERROR : status;
  }
  *out = buffer;
  *out_length = produced;
  return Z_OK;
}
