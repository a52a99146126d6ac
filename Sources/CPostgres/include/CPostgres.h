#ifndef CPOSTGRES_H
#define CPOSTGRES_H

// The small C shim between Swift and libpq. Everything else in libpq is
// called from Swift directly (PostgresStore/Internal); these exist only where
// Swift would need a C function pointer or a poll(2) on libpq's socket.

#include <libpq-fe.h>

#pragma clang assume_nonnull begin

/// Drops the server's NOTICE messages instead of printing them on stderr.
/// Why: PQsetNoticeProcessor takes a C function pointer.
void wh_pq_silence_notices(PGconn *conn);

/// Waits until the connection's socket is readable or `timeout_ms` passes.
/// Returns 1 when readable, 0 on timeout, -1 when the socket is gone or poll fails.
/// Why: the listener thread blocks here for NOTIFY messages between resync checks.
int wh_pq_wait_readable(const PGconn *conn, int timeout_ms);

#pragma clang assume_nonnull end

#endif
