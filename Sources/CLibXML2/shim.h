// The libxml2 headers PolicyWatch uses. The module is not called `libxml2`: that clashes with the SDK's.
// libxml2 may be built with ICU, and then its encoding.h includes the system's ICU headers, whose types clash with
// the copy of ICU inside Foundation ("'UErrorCode' has different definitions in different modules"). PolicyWatch
// never touches xmlCharEncodingHandler's ICU fields, so the ICU part of the headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/encoding.h>
