// C shims for PolicyWatch.
//
// This header includes libcurl's and libxml2's headers, which are not modular: Clang attributes their declarations
// to whichever module includes them first. A Swift file that uses libxml2 or libcurl must therefore import
// CPolicyWatchShims as well as CLibXML2 / CCurl (`internal import` all of them), or the C names may not be found.
// Every function here exists because Swift cannot call the C API directly;
// each says why in one line. Ownership: none of these functions takes or gives ownership of anything.
#ifndef PW_SHIMS_H
#define PW_SHIMS_H

#include <curl/curl.h>
// libxml2 may be built with ICU, and then its encoding.h includes the system's ICU headers, whose types clash with
// the copy of ICU inside Foundation ("'UErrorCode' has different definitions in different modules"). PolicyWatch
// never touches xmlCharEncodingHandler's ICU fields, so the ICU part of the headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stddef.h>

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

// --- libxml2

/// Why: `xmlFree` is a mutable global function pointer, which Swift 6 rejects as unsafe shared state.
void pw_xml_free(void *pointer);

/// Why: libxml2 prints parser and encoding errors to stderr through its thread's generic handlers;
/// this installs silent ones for the calling thread so nothing leaks onto a terminal or into cron mail.
void pw_xml_silence_thread_errors(void);

/// An XPath error captured by the context's structured error handler instead of being printed.
typedef struct pw_xpath_error {
  int code;
  int recorded;
  char message[512];
} pw_xpath_error;

/// Why: an XPath context prints its errors unless its `error` handler is replaced; this creates a context
/// for `doc` whose errors are written into `sink` (which must outlive the context).
xmlXPathContextPtr pw_xpath_context_new(xmlDocPtr doc, pw_xpath_error *sink);

// --- libxml2 document arenas (pw_xml_arena.c)
//
// Why: a parsed page is a tree of tens of thousands of small blocks; malloc'ing and freeing them one by one was
// over a tenth of a `check`'s CPU. An arena gives one document's tree its memory in 4 MiB chunks and takes it back
// whole. Ownership: the document owns its arena and frees both, exactly once, with pw_xml_arena_free_doc.
// Rule: after parsing, the tree is only read, or has nodes unlinked and freed; nothing may be added to it (added
// blocks would come from malloc, outside the arena, and be lost when the arena goes without xmlFreeDoc).

/// The memory of one document's tree.
typedef struct pw_xml_arena pw_xml_arena;

/// Why: libxml2's allocation hooks are C function pointers. Reserves the arenas' address range and installs the
/// hooks; call once, before any other libxml2 call. Returns 0 (and changes nothing) if the range cannot be
/// reserved: libxml2 then uses malloc as before.
int pw_xml_arena_install(void);
/// A new, empty arena, or NULL when arenas are not installed (callers then parse without one).
pw_xml_arena *pw_xml_arena_new(void);
/// Until pw_xml_arena_end, libxml2's allocations on the calling thread come from `arena` (NULL: from malloc).
void pw_xml_arena_begin(pw_xml_arena *arena);
void pw_xml_arena_end(void);
/// Frees `doc` (may be NULL) and `arena` (may be NULL), parsed with `arena` current. When every block of the
/// parse came from the arena, returning its chunks frees the tree; otherwise xmlFreeDoc runs first.
void pw_xml_arena_free_doc(pw_xml_arena *arena, xmlDocPtr doc);
/// How many chunks live arenas hold (all arenas freed: 0).
size_t pw_xml_arena_chunks_in_use(void);
/// 1 when every block allocated while `arena` was current came from it (the tree goes with the arena).
int pw_xml_arena_self_contained(const pw_xml_arena *arena);

// --- zlib: inflateInit2 is a macro, Swift cannot call it. Stores written before zstd (Store/Zstd.swift) hold raw
// snapshots as gzip members; zlib reads them back (Store/Gzip.swift).

/// Why: inflateInit2 is a macro. Decompresses a gzip stream, refusing output larger than `limit` bytes.
/// On success returns 0 and sets *out (allocated with malloc: the caller frees it with free()) and *out_length;
/// on failure returns a zlib error code (Z_BUF_ERROR when over `limit` or truncated) and sets nothing.
int pw_gunzip(const unsigned char *data, size_t length, size_t limit, unsigned char **out, size_t *out_length);

#endif
