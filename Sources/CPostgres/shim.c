#include "CPostgres.h"

#include <errno.h>
#include <poll.h>

static void wh_pq_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

void wh_pq_silence_notices(PGconn *conn) {
    PQsetNoticeProcessor(conn, wh_pq_ignore_notice, NULL);
}

int wh_pq_wait_readable(const PGconn *conn, int timeout_ms) {
    int socket = PQsocket(conn);
    if (socket < 0) return -1;
    struct pollfd descriptor = {.fd = socket, .events = POLLIN, .revents = 0};
    for (;;) {
        int ready = poll(&descriptor, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return -1;
        return ready > 0 ? 1 : 0;
    }
}
