#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

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
    // The same, answering later through `reply` (exactly once, on this thread): a remote scorer
    // keeps the candidate's POST open until the answers are scored and stored. By default answers
    // at once with handlePage().
    virtual void handlePageLater(const QByteArray &method, const QString &path, const QByteArray &contentType,
        const QByteArray &body, std::function<void(const PageAnswer &)> reply)
    {
        reply(handlePage(method, path, contentType, body));
    }
};

} // namespace intrvio
