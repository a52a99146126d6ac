#include "CMicroHTTPD.h"
#include <string.h>
#include <strings.h>

struct MHD_Daemon *wh_start_daemon(unsigned int flags, uint16_t port,
                                   MHD_AccessHandlerCallback handler,
                                   void *handler_context,
                                   const struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_context,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

struct MHD_OptionItem wh_option_notify_completed(MHD_RequestCompletedCallback callback,
                                                 void *context) {
    struct MHD_OptionItem item = {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)callback, context};
    return item;
}

struct MHD_OptionItem wh_option_notify_connection(MHD_NotifyConnectionCallback callback,
                                                  void *context) {
    struct MHD_OptionItem item = {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)callback, context};
    return item;
}

uint16_t wh_daemon_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

int wh_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? info->connect_fd : -1;
}

struct header_scan {
    const char *name;
    unsigned int count;
    const char *first;
    int all_equal;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
    (void)kind;
    struct header_scan *scan = cls;
    if (key == NULL || strcasecmp(key, scan->name) != 0) return MHD_YES;
    if (scan->count == 0) {
        scan->first = value;
    } else if (value == NULL || scan->first == NULL || strcmp(value, scan->first) != 0) {
        scan->all_equal = 0;
    }
    scan->count++;
    return MHD_YES;
}

unsigned int wh_header_count(struct MHD_Connection *connection, const char *name, int *all_equal) {
    struct header_scan scan = {name, 0, NULL, 1};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, scan_header, &scan);
    *all_equal = scan.all_equal;
    return scan.count;
}

static size_t keep_raw(void *cls, struct MHD_Connection *connection, char *s) {
    (void)cls;
    (void)connection;
    return strlen(s);
}

struct MHD_OptionItem wh_option_raw_urls(void) {
    struct MHD_OptionItem item = {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)keep_raw, NULL};
    return item;
}

void *wh_connection_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}
