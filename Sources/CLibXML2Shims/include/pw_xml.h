// C shims for libxml2: every function here exists because Swift cannot call the C API directly; each says why.
// Ownership: none of these functions takes or gives ownership of anything unless its comment says so.
#ifndef PW_XML_H
#define PW_XML_H

// libxml2 may be built with ICU, and then its encoding.h includes the system's ICU headers, whose types clash with
// the copy of ICU inside Foundation ("'UErrorCode' has different definitions in different modules"). PolicyWatch
// never touches xmlCharEncodingHandler's ICU fields, so the ICU part of the headers is left out (as in CLibXML2).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stddef.h>

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

#endif
