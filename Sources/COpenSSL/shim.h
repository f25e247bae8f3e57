// The one door to OpenSSL (libssl, libcrypto). Macros Swift cannot import get static inline wrappers here.
#ifndef CALLGATE_COPENSSL_SHIM_H
#define CALLGATE_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#endif
