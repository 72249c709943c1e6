// OpenSSL's libcrypto, for SHA-256 only (EVP_Digest uses the CPU's SHA extensions where present).
#include <openssl/evp.h>
