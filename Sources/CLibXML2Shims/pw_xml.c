#include "pw_xml.h"

#include <libxml/xmlerror.h>
#include <string.h>

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
