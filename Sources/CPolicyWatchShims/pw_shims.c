#include "pw_shims.h"

#include <libxml/xmlerror.h>
#include <string.h>

CURLcode pw_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode pw_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode pw_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode pw_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode pw_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
  return curl_easy_setopt(handle, option, list);
}

CURLcode pw_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, pw_curl_data_callback callback) {
  return curl_easy_setopt(handle, option, callback);
}

CURLcode pw_curl_easy_setopt_read_callback(CURL *handle, pw_curl_read_callback callback) {
  return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

CURLcode pw_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLcode pw_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLcode pw_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLcode pw_curl_easy_getinfo_private(CURL *handle, void **value) {
  return curl_easy_getinfo(handle, CURLINFO_PRIVATE, value);
}

CURLMcode pw_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
  return curl_multi_setopt(multi, option, value);
}

CURLcode pw_curl_msg_result(const CURLMsg *message) {
  return message->data.result;
}

void pw_xml_free(void *pointer) {
  if (pointer != NULL) {
    xmlFree(pointer);
  }
}

static void pw_silent_generic(void *context, const char *message, ...) {
  (void)context;
  (void)message;
}

static void pw_silent_structured(void *context, xmlErrorPtr error) {
  (void)context;
  (void)error;
}

void pw_xml_silence_thread_errors(void) {
  xmlSetGenericErrorFunc(NULL, pw_silent_generic);
  xmlSetStructuredErrorFunc(NULL, pw_silent_structured);
}

static void pw_xpath_record_error(void *context, xmlErrorPtr error) {
  pw_xpath_error *sink = (pw_xpath_error *)context;
  if (sink == NULL || error == NULL || sink->recorded) {
    return;  // keep the first error: later ones are consequences of it
  }
  sink->recorded = 1;
  sink->code = error->code;
  const char *text = error->message != NULL ? error->message : "unknown XPath error";
  strncpy(sink->message, text, sizeof(sink->message) - 1);
  sink->message[sizeof(sink->message) - 1] = '\0';
  size_t length = strlen(sink->message);
  while (length > 0 && (sink->message[length - 1] == '\n' || sink->message[length - 1] == ' ')) {
    sink->message[--length] = '\0';
  }
}

xmlXPathContextPtr pw_xpath_context_new(xmlDocPtr doc, pw_xpath_error *sink) {
  xmlXPathContextPtr context = xmlXPathNewContext(doc);
  if (context != NULL) {
    context->userData = sink;
    context->error = pw_xpath_record_error;
  }
  return context;
}

// --- zlib

#include <limits.h>
#include <stdlib.h>
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
