#pragma once

#include <QtGlobal>

namespace intrvio {

// Limits the webhook server enforces below QHttpServer (Qt 6.4 has none of its own; style.md §8).
// Teamtailor sends small JSON bodies (a partner event is a few KiB), so these are strict on purpose.
namespace Limits {
inline constexpr qsizetype MaxHeaderBytes = 16 * 1024; // request line + header block -> 431
inline constexpr qsizetype DefaultMaxBodyBytes = 1024 * 1024; // Content-Length or streamed body -> 413
inline constexpr int IdleTimeoutMs = 10 * 1000; // no byte for this long mid-request -> 408
inline constexpr int RequestDeadlineMs = 30 * 1000; // whole request (headers + body) -> 408
inline constexpr int KeepAliveTimeoutMs = 60 * 1000; // idle keep-alive connection -> closed
inline constexpr int MaxConnections = 512; // open connections -> 503
} // namespace Limits

// The same limits as values, so tests and benchmarks can tighten them.
struct GuardLimits
{
    qsizetype maxHeaderBytes = Limits::MaxHeaderBytes;
    qsizetype maxBodyBytes = Limits::DefaultMaxBodyBytes;
    int idleTimeoutMs = Limits::IdleTimeoutMs;
    int requestDeadlineMs = Limits::RequestDeadlineMs;
    int keepAliveTimeoutMs = Limits::KeepAliveTimeoutMs;
    int maxConnections = Limits::MaxConnections;
};

} // namespace intrvio
