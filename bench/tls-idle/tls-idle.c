/*
 * tls-idle: heap bytes one idle TLS 1.3 server connection keeps in OpenSSL, per setting.
 *
 * Issue 16's "idle wss without compression <= 12 KiB": Callgate's TLSBridge holds an SSL with two
 * memory BIOs per connection. This program builds that server state in-process against an
 * in-process client, for N connections, each after its handshake and one 64-byte message each
 * way, the server's record buffers released (SSL_free_buffers, as TLSEngine.releaseIdleMemory
 * does); then frees the clients and reads glibc's bytes in use (mallinfo2().uordblks), so the
 * figure per connection is the server side's alone. Each variant changes one thing OpenSSL
 * offers, so that each attempt is measured on its own.
 *
 * Build and run: make -C bench/tls-idle run (needs libssl-dev). Usage: tls-idle CERT KEY [N]
 */
#include <malloc.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum variant {
    BASELINE, RELEASE_BUFFERS, NO_TICKETS, NUM_TICKETS_0, NO_READ_AHEAD_SMALL_BUFFER, BIO_PAIR,
    GROUP_P256, CHACHA20, CLEAR_OPTIONS_TRIMMED, SSL_NEW_ONLY, VARIANTS
};
static const char *names[] = {
    "baseline (Callgate's settings)", "+ SSL_MODE_RELEASE_BUFFERS", "+ SSL_OP_NO_TICKET, no session cache",
    "+ SSL_CTX_set_num_tickets(0)", "+ default_read_buffer_len 512", "one BIO pair instead of two memory BIOs",
    "groups P-256 instead of X25519", "TLS_CHACHA20_POLY1305_SHA256 instead of AES-128-GCM",
    "+ malloc_trim(0) before reading", "for scale: SSL_new and two BIOs, no handshake",
};

/* Moves what one side wrote to the other side's input. */
static int pump(BIO *from, BIO *to) {
    char buffer[16384];
    int moved = 0, n;
    while ((n = BIO_read(from, buffer, sizeof buffer)) > 0) { BIO_write(to, buffer, n); moved += n; }
    return moved;
}

struct pair { SSL *server, *client; BIO *serverIn, *serverOut, *clientIn, *clientOut; };

static int connect_pair(SSL_CTX *sctx, SSL_CTX *cctx, struct pair *p, int variant) {
    p->server = SSL_new(sctx);
    p->client = SSL_new(cctx);
    SSL_set_tlsext_host_name(p->client, "localhost");
    if (variant == BIO_PAIR) {
        BIO *internal, *network;
        BIO_new_bio_pair(&internal, 0, &network, 0);
        SSL_set_bio(p->server, internal, internal);
        p->serverIn = p->serverOut = network;
    } else {
        p->serverIn = BIO_new(BIO_s_mem());
        p->serverOut = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(p->serverIn, -1);
        BIO_set_mem_eof_return(p->serverOut, -1);
        SSL_set_bio(p->server, p->serverIn, p->serverOut);
    }
    p->clientIn = BIO_new(BIO_s_mem());
    p->clientOut = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(p->clientIn, -1);
    BIO_set_mem_eof_return(p->clientOut, -1);
    SSL_set_bio(p->client, p->clientIn, p->clientOut);
    SSL_set_accept_state(p->server);
    SSL_set_connect_state(p->client);
    if (variant == SSL_NEW_ONLY) return 0;
    for (int round = 0; round < 20; round++) {
        SSL_do_handshake(p->client);
        pump(p->clientOut, p->serverIn);
        SSL_do_handshake(p->server);
        pump(p->serverOut, p->clientIn);
        if (SSL_is_init_finished(p->server) && SSL_is_init_finished(p->client)) break;
    }
    if (!SSL_is_init_finished(p->server)) return -1;
    /* One message each way, as the benchmark's echo (and the ticket, read by the client). */
    char message[64], echo[64];
    memset(message, 'x', sizeof message);
    SSL_write(p->client, message, sizeof message);
    pump(p->clientOut, p->serverIn);
    if (SSL_read(p->server, echo, sizeof echo) != sizeof echo) return -1;
    SSL_write(p->server, echo, sizeof echo);
    pump(p->serverOut, p->clientIn);
    if (SSL_read(p->client, echo, sizeof echo) != sizeof echo) return -1;
    SSL_free_buffers(p->server);
    /* TLSEngine.releaseIdleMemory: a drained memory BIO gets a fresh, empty BUF_MEM. */
    if (variant != BIO_PAIR) {
        BIO_set_mem_buf(p->serverIn, BUF_MEM_new(), BIO_CLOSE);
        BIO_set_mem_buf(p->serverOut, BUF_MEM_new(), BIO_CLOSE);
    }
    return 0;
}

static SSL_CTX *server_context(const char *cert, const char *key, int variant) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_NO_AUTO_CHAIN);
    SSL_CTX_set1_groups_list(ctx, variant == GROUP_P256 ? "P-256" : "X25519:P-256");
    if (variant == CHACHA20) SSL_CTX_set_ciphersuites(ctx, "TLS_CHACHA20_POLY1305_SHA256");
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"callgate", 8);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, variant == NUM_TICKETS_0 ? 0 : 1);
    if (variant == NO_TICKETS) { SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET); SSL_CTX_set_num_tickets(ctx, 0); }
    if (variant == RELEASE_BUFFERS) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (variant == NO_READ_AHEAD_SMALL_BUFFER) SSL_CTX_set_default_read_buffer_len(ctx, 512);
    return ctx;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: tls-idle CERT KEY [CONNECTIONS]\n"); return 2; }
    int n = argc > 3 ? atoi(argv[3]) : 1000;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    struct pair *pairs = calloc(n, sizeof *pairs);
    printf("%-52s %12s\n", "variant (each alone on the baseline)", "B/connection");
    /* The baseline runs again last: what separates it from its first run is the noise. */
    for (int step = 0; step <= VARIANTS; step++) {
        int variant = step % VARIANTS;
        SSL_CTX *sctx = server_context(argv[1], argv[2], variant);
        /* One connection first, so the context's lazily built state is not counted. */
        struct pair warm;
        if (connect_pair(sctx, cctx, &warm, variant)) { fprintf(stderr, "handshake failed\n"); ERR_print_errors_fp(stderr); return 1; }
        SSL_free(warm.client);
        malloc_trim(0);
        size_t before = mallinfo2().uordblks;
        for (int i = 0; i < n; i++) {
            if (connect_pair(sctx, cctx, &pairs[i], variant)) { fprintf(stderr, "handshake %d failed\n", i); return 1; }
            SSL_free(pairs[i].client);
            pairs[i].client = NULL;
        }
        if (variant == CLEAR_OPTIONS_TRIMMED) malloc_trim(0);
        size_t after = mallinfo2().uordblks;
        printf("%-52s %12.0f\n", names[variant], (double)(after - before) / n);
        for (int i = 0; i < n; i++) {
            if (variant == BIO_PAIR) BIO_free(pairs[i].serverIn);
            SSL_free(pairs[i].server);
        }
        SSL_free(warm.server);
        SSL_CTX_free(sctx);
    }
    return 0;
}
