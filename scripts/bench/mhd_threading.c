/*
 * mhd_threading.c: libmicrohttpd answering a fixed {"status":"ok"} in one of two
 * threading models, so `make bench` can compare them on the same machine in the
 * same run (the numbers behind the README's choice of threading model).
 *
 *   pool  MHD_USE_EPOLL_INTERNAL_THREAD + MHD_OPTION_THREAD_POOL_SIZE 2
 *         (what wasmhost's HTTPServer uses)
 *   tpc   MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
 *
 * Build: gcc -O2 -o mhd_threading mhd_threading.c -lmicrohttpd
 * Run:   ./mhd_threading pool|tpc [port]    (port 0 or absent: ephemeral)
 * Prints "listening on 127.0.0.1:PORT" once ready; exits on SIGTERM/SIGINT.
 * Each answer is built per request (copy + one header), like wasmhost does, so
 * only the threading model differs between the two modes.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}";
static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    if (*req_cls == NULL) { /* first call: headers only */
        *req_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size != 0) { *upload_data_size = 0; return MHD_YES; }
    struct MHD_Response *response =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (response == NULL) return MHD_NO;
    MHD_add_response_header(response, "Content-Type", "application/json");
    enum MHD_Result result = MHD_queue_response(connection, MHD_HTTP_OK, response);
    MHD_destroy_response(response);
    return result;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "pool") != 0 && strcmp(argv[1], "tpc") != 0)) {
        fprintf(stderr, "usage: %s pool|tpc [port]\n", argv[0]);
        return 2;
    }
    unsigned short port = argc > 2 ? (unsigned short)atoi(argv[2]) : 0;
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    struct MHD_Daemon *daemon;
    if (strcmp(argv[1], "pool") == 0) {
        daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD, 0, NULL, NULL, answer, NULL,
                                  MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
                                  MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1 << 20),
                                  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
                                  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                                  MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
                                  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
                                  MHD_OPTION_END);
    } else {
        daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                                  NULL, NULL, answer, NULL,
                                  MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1 << 20),
                                  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
                                  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                                  MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
                                  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
                                  MHD_OPTION_END);
    }
    if (daemon == NULL) {
        fprintf(stderr, "mhd_threading: cannot start %s daemon\n", argv[1]);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on 127.0.0.1:%u\n", info ? (unsigned)info->port : (unsigned)port);
    fflush(stdout);
    while (!stop) pause();
    MHD_stop_daemon(daemon);
    return 0;
}
