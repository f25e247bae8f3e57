// The load generator's one door to the system OpenSSL (libssl, libcrypto), for the wss client.
// Macros Swift cannot import get static inline wrappers here.
#ifndef CALLGATE_BENCH_COPENSSL_SHIM_H
#define CALLGATE_BENCH_COPENSSL_SHIM_H

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>

static inline int CBenchSSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline long CBenchSSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline long CBenchSSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

/// SSL_OP_IGNORE_UNEXPECTED_EOF is built with a function-like macro, which Swift does not import.
static inline uint64_t CBenchSSL_OP_IGNORE_UNEXPECTED_EOF(void) {
    return SSL_OP_IGNORE_UNEXPECTED_EOF;
}

static inline uint64_t CBenchSSL_OP_NO_RENEGOTIATION(void) {
    return SSL_OP_NO_RENEGOTIATION;
}

/// SNI (RFC 6066 §3).
static inline int CBenchSSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline int CBenchSSL_get_negotiated_group(SSL *ssl) {
    return (int)SSL_get_negotiated_group(ssl);
}

#endif
