#ifndef EARSHOT_CCRYPTO_SHIM_H
#define EARSHOT_CCRYPTO_SHIM_H
#include <openssl/evp.h>

// One-shot SHA-256 through OpenSSL's EVP interface (SHA-NI or AVX2 where the CPU has them).
// Returns 1 on success.
static inline int earshot_sha256(const void *data, size_t length, unsigned char digest[32]) {
    unsigned int size = 0;
    return EVP_Digest(data, length, digest, &size, EVP_sha256(), NULL) == 1 && size == 32;
}
#endif
