#ifndef CMICROHTTPD_H
#define CMICROHTTPD_H

// The tiny C shim between Swift and libmicrohttpd.
//
// libmicrohttpd's entry points that take options or return information are
// C variadic functions, which Swift cannot call. Each wrapper here has a fixed
// signature and exists only for that reason.

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>
#include <microhttpd.h>

#pragma clang assume_nonnull begin

/// Starts a daemon. `options` is an `MHD_OPTION_END`-terminated array passed
/// through `MHD_OPTION_ARRAY`, so every option is a typed `MHD_OptionItem`.
/// Why: `MHD_start_daemon` is variadic.
struct MHD_Daemon *_Nullable wh_start_daemon(
    unsigned int flags,
    uint16_t port,
    MHD_AccessHandlerCallback handler,
    void *_Nullable handler_context,
    const struct MHD_OptionItem *options);

/// Builds an option item that carries a function pointer (completion and
/// connection notifications). Why: the pointer must be stored as `intptr_t`,
/// a cast Swift cannot express for C function pointers.
struct MHD_OptionItem wh_option_notify_completed(
    MHD_RequestCompletedCallback callback, void *_Nullable context);
struct MHD_OptionItem wh_option_notify_connection(
    MHD_NotifyConnectionCallback callback, void *_Nullable context);

/// The port the daemon listens on (useful after binding port 0), or 0.
/// Why: `MHD_get_daemon_info` is variadic.
uint16_t wh_daemon_bound_port(struct MHD_Daemon *daemon);

/// The socket of a connection, or -1. Why: `MHD_get_connection_info` is variadic.
int wh_connection_fd(struct MHD_Connection *connection);

/// How many times the request header `name` occurs (case-insensitive), and
/// whether all occurrences carry the same value (1) or not (0).
/// Why: libmicrohttpd accepts duplicate `Content-Length` headers silently.
unsigned int wh_header_count(struct MHD_Connection *connection, const char *name,
                             int *all_equal);

/// An option item that installs an unescape callback which leaves the URL
/// and query exactly as sent, so that the Swift side can percent-decode each
/// path segment itself (`%2F` must not become a separator, and bad escapes
/// must be refused rather than passed through).
/// Why: the callback must be stored as `intptr_t`.
struct MHD_OptionItem wh_option_raw_urls(void);

/// The socket context pointer set by the connection notification callback.
/// Why: `MHD_get_connection_info` is variadic.
void *_Nullable wh_connection_socket_context(struct MHD_Connection *connection);

#pragma clang assume_nonnull end

#endif
