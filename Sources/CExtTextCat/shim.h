// libexttextcat (Debian's libexttextcat-dev): n-gram language identification, to tell a page's language from its
// text rather than from its <html lang> attribute.
#include <textcat.h>
