// CPoppler: poppler-glib for PolicyWatch's PDF reader. These inline functions exist so that no GLib type (GBytes,
// GError, GList, GObject) reaches Swift: each returns plain C data that the caller frees with pw_pdf_free (or
// pw_pdf_close for the document), exactly once.
#ifndef POLICYWATCH_CPOPPLER_SHIM_H
#define POLICYWATCH_CPOPPLER_SHIM_H

#include <poppler.h>
#include <stdlib.h>
#include <string.h>

/// One run of text with one font: characters [start, end] of the page's text (inclusive, as poppler gives them).
typedef struct {
  double font_size;
  int bold;
  int start;
  int end;
} pw_pdf_attribute;

/// Opens a PDF held in memory (copied). Returns the document, or NULL with *error set (free it with pw_pdf_free).
static inline void *pw_pdf_open(const void *bytes, size_t length, char **error) {
  GBytes *data = g_bytes_new(bytes, length);
  GError *failure = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes(data, NULL, &failure);
  g_bytes_unref(data);
  if (document == NULL) {
    *error = g_strdup(failure != NULL ? failure->message : "unknown error");
    if (failure != NULL) g_error_free(failure);
  }
  return document;
}

static inline void pw_pdf_close(void *document) { g_object_unref((PopplerDocument *)document); }

static inline void pw_pdf_free(void *pointer) { g_free(pointer); }

static inline int pw_pdf_page_count(void *document) { return poppler_document_get_n_pages((PopplerDocument *)document); }

/// The page's text in poppler's reading order, one line per '\n' (free with pw_pdf_free), and the page's size.
static inline char *pw_pdf_page_text(void *document, int index, double *width, double *height) {
  PopplerPage *page = poppler_document_get_page((PopplerDocument *)document, index);
  if (page == NULL) return NULL;
  poppler_page_get_size(page, width, height);
  char *text = poppler_page_get_text(page);
  g_object_unref(page);
  return text;
}

/// The box of every character of pw_pdf_page_text's text (free with pw_pdf_free).
static inline PopplerRectangle *pw_pdf_page_layout(void *document, int index, unsigned *count) {
  PopplerPage *page = poppler_document_get_page((PopplerDocument *)document, index);
  *count = 0;
  if (page == NULL) return NULL;
  PopplerRectangle *boxes = NULL;
  guint n = 0;
  if (!poppler_page_get_text_layout(page, &boxes, &n)) boxes = NULL;
  g_object_unref(page);
  *count = n;
  return boxes;
}

/// The font runs of the page's text, as a plain array (free with pw_pdf_free).
static inline pw_pdf_attribute *pw_pdf_page_attributes(void *document, int index, unsigned *count) {
  PopplerPage *page = poppler_document_get_page((PopplerDocument *)document, index);
  *count = 0;
  if (page == NULL) return NULL;
  GList *list = poppler_page_get_text_attributes(page);
  unsigned n = g_list_length(list);
  pw_pdf_attribute *runs = g_new0(pw_pdf_attribute, n > 0 ? n : 1);
  unsigned i = 0;
  for (GList *item = list; item != NULL; item = item->next, i++) {
    PopplerTextAttributes *attributes = (PopplerTextAttributes *)item->data;
    const char *font = attributes->font_name != NULL ? attributes->font_name : "";
    runs[i].font_size = attributes->font_size;
    runs[i].bold = strstr(font, "Bold") != NULL || strstr(font, "bold") != NULL || strstr(font, "Black") != NULL
      || strstr(font, "Heavy") != NULL || strstr(font, "Semibold") != NULL;
    runs[i].start = attributes->start_index;
    runs[i].end = attributes->end_index;
  }
  poppler_page_free_text_attributes(list);
  g_object_unref(page);
  *count = n;
  return runs;
}

#endif
