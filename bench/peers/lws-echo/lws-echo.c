/*
 * lws-echo: the libwebsockets echo server peer of bench/run.sh (`BENCH_SERVERS="... lws"`).
 *
 * One libwebsockets context, one service thread, plain ws on 127.0.0.1:PORT, any path. Every data
 * message is echoed with its own opcode, in order. It follows libwebsockets' own
 * minimal-ws-server-echo example: a message is copied into a per-connection queue (with LWS_PRE
 * bytes of headroom, as lws_write needs), lws_callback_on_writable asks for a WRITEABLE callback,
 * and each WRITEABLE callback writes one message (libwebsockets allows one lws_write per callback)
 * and asks again while the queue is not empty. A full queue stops reading that connection
 * (lws_rx_flow_control) until it drains.
 *
 * On SIGTERM or SIGINT it stops and prints, as nio-echo does, what it did over its life:
 *   lws-echo: totals connections=N messages=M
 * so that run.sh can compare M with the echoes loadgen verified.
 *
 * Build: make -C bench/peers/lws-echo (needs Debian's libwebsockets-dev).
 */
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_SLOTS 64          /* messages queued per connection before reading stops */
#define RESUME_BELOW 16         /* reading resumes when the queue holds fewer than this */
#define MAX_MESSAGE (16 << 20)  /* loadgen's largest message */

struct message {
    unsigned char *buffer;      /* LWS_PRE bytes, then the payload */
    size_t length;
    int binary;
};

struct session {
    struct message queue[QUEUE_SLOTS];
    unsigned head, count;       /* ring */
    unsigned char *partial;     /* the message being received (LWS_PRE + payload) */
    size_t partialLength, partialCapacity;
    int flowStopped;
};

static volatile sig_atomic_t interrupted;
static unsigned long long totalMessages, totalConnections;

static void on_signal(int signo) { (void)signo; interrupted = 1; }

static int append(struct session *s, const void *in, size_t len) {
    size_t need = LWS_PRE + s->partialLength + len;
    if (s->partialLength + len > MAX_MESSAGE) return -1;
    if (need > s->partialCapacity) {
        size_t capacity = s->partialCapacity ? s->partialCapacity : LWS_PRE + 256;
        while (capacity < need) capacity *= 2;
        unsigned char *grown = realloc(s->partial, capacity);
        if (!grown) return -1;
        s->partial = grown;
        s->partialCapacity = capacity;
    }
    memcpy(s->partial + LWS_PRE + s->partialLength, in, len);
    s->partialLength += len;
    return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    struct session *s = user;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        memset(s, 0, sizeof *s);
        totalConnections++;
        break;
    case LWS_CALLBACK_RECEIVE:
        if (append(s, in, len)) return -1;
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            struct message *m = &s->queue[(s->head + s->count) % QUEUE_SLOTS];
            m->buffer = s->partial;
            m->length = s->partialLength;
            m->binary = lws_frame_is_binary(wsi);
            s->count++;
            s->partial = NULL;
            s->partialLength = s->partialCapacity = 0;
            if (s->count == QUEUE_SLOTS && !s->flowStopped) {
                lws_rx_flow_control(wsi, 0);
                s->flowStopped = 1;
            }
            lws_callback_on_writable(wsi);
        }
        break;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        if (s->count == 0) break;
        struct message *m = &s->queue[s->head];
        int n = lws_write(wsi, m->buffer + LWS_PRE, m->length, m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
        if (n < (int)m->length) return -1;
        free(m->buffer);
        m->buffer = NULL;
        s->head = (s->head + 1) % QUEUE_SLOTS;
        s->count--;
        totalMessages++;
        if (s->flowStopped && s->count < RESUME_BELOW) {
            lws_rx_flow_control(wsi, 1);
            s->flowStopped = 0;
        }
        if (s->count) lws_callback_on_writable(wsi);
        break;
    }
    case LWS_CALLBACK_CLOSED:
        while (s->count) {
            free(s->queue[s->head].buffer);
            s->head = (s->head + 1) % QUEUE_SLOTS;
            s->count--;
        }
        free(s->partial);
        s->partial = NULL;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    { "echo", callback, sizeof(struct session), 65536, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
};

int main(int argc, char **argv) {
    int port = 0;
    const char *host = "127.0.0.1";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else { fprintf(stderr, "usage: lws-echo --port N [--host 127.0.0.1]\n"); return 2; }
    }
    if (port <= 0) { fprintf(stderr, "usage: lws-echo --port N [--host 127.0.0.1]\n"); return 2; }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = host;
    info.protocols = protocols;
    info.count_threads = 1;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    struct lws_context *context = lws_create_context(&info);
    if (!context) { fprintf(stderr, "lws-echo: lws_create_context failed\n"); return 1; }
    fprintf(stderr, "lws-echo: libwebsockets %s listening on %s:%d\n", lws_get_library_version(), host, port);

    int n = 0;
    while (n >= 0 && !interrupted) n = lws_service(context, 0);
    lws_context_destroy(context);
    fprintf(stderr, "lws-echo: totals connections=%llu messages=%llu\n", totalConnections, totalMessages);
    return 0;
}
