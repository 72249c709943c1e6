// The libcurl headers PolicyWatch uses.
#include <curl/curl.h>
