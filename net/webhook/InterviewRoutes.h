#pragma once

#include <QByteArray>
#include <QString>

namespace intrvio {

// An answer to a candidate- or recruiter-facing page request.
struct PageAnswer
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "text/html; charset=utf-8";
};

// Serves `GET/POST /interview/<token>`, `GET /interview/<token>.json` and the read-only report
// `GET /interview-report/<token>` for the webhook server (implemented by the interview pipeline).
class InterviewRouteHandler
{
public:
    virtual ~InterviewRouteHandler() = default;
    // path starts with "/interview/" or "/interview-report/".
    virtual PageAnswer handlePage(const QByteArray &method, const QString &path, const QByteArray &contentType,
        const QByteArray &body)
        = 0;
};

} // namespace intrvio
