// C shims for libcurl: every function here exists because Swift cannot call the C API directly; each says why.
// Ownership: none of these functions takes or gives ownership of anything unless its comment says so.
#ifndef PW_CURL_H
#define PW_CURL_H

#include <curl/curl.h>

// --- libcurl: curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are variadic, Swift cannot call them.

/// Why: curl_easy_setopt is variadic; this passes a `long` argument.
CURLcode pw_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
/// Why: curl_easy_setopt is variadic; this passes a C string (libcurl copies it).
CURLcode pw_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
/// Why: curl_easy_setopt is variadic; this passes a `curl_off_t` argument.
CURLcode pw_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// Why: curl_easy_setopt is variadic; this passes an opaque pointer (userdata, error buffer, private).
CURLcode pw_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// Why: curl_easy_setopt is variadic; this passes a header list (the caller keeps and frees it).
CURLcode pw_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);

/// The signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*pw_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);
/// Why: curl_easy_setopt is variadic; this passes a write/header callback function pointer.
CURLcode pw_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, pw_curl_data_callback callback);

/// The signature of CURLOPT_READFUNCTION.
typedef size_t (*pw_curl_read_callback)(char *buffer, size_t size, size_t count, void *userdata);
/// Why: curl_easy_setopt is variadic; this passes a read callback function pointer.
CURLcode pw_curl_easy_setopt_read_callback(CURL *handle, pw_curl_read_callback callback);

/// Why: curl_easy_getinfo is variadic; this reads a `long` value.
CURLcode pw_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// Why: curl_easy_getinfo is variadic; this reads a string owned by the handle (copy it before cleanup).
CURLcode pw_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
/// Why: curl_easy_getinfo is variadic; this reads a `curl_off_t` value (the *_T timings, in microseconds).
CURLcode pw_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
/// Why: curl_easy_getinfo is variadic; this reads the CURLOPT_PRIVATE pointer back.
CURLcode pw_curl_easy_getinfo_private(CURL *handle, void **value);

/// Why: curl_multi_setopt is variadic; this passes a `long` argument.
CURLMcode pw_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Why: CURLMsg keeps the result in an anonymous union Swift imports awkwardly; this reads it.
CURLcode pw_curl_msg_result(const CURLMsg *message);

#endif
