// The control surface under /_sandbox (JSON, mirrors the C++ API) and the read-only HTML pages
// that look like Teamtailor's candidate card.
#include "sandbox/SandboxPrivate.h"

namespace intrvio {

using namespace sandbox;

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

HttpResponse ok(const QJsonObject &o = {})
{
    QJsonObject doc = o;
    doc.insert(QStringLiteral("ok"), true);
    return HttpResponse::json(200, doc, "application/json");
}

HttpResponse problem(int status, const QString &message)
{
    return HttpResponse::json(
        status, QJsonObject { { QStringLiteral("error"), message } }, "application/json");
}

std::optional<qint64> number(const QString &s)
{
    bool okay = false;
    const qint64 n = s.toLongLong(&okay);
    return okay && n > 0 ? std::optional<qint64>(n) : std::nullopt;
}

const char *kCss = R"CSS(
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#f4f4f7;color:#1f2430}a{color:#e0115f;text-decoration:none}a:hover{text-decoration:underline}
header{background:#1f2430;color:#fff;padding:14px 28px;display:flex;align-items:center;gap:12px}
header .logo{background:#e0115f;border-radius:8px;width:30px;height:30px;display:flex;align-items:center;
justify-content:center;font-weight:700}header .co{font-weight:600}header .tag{margin-left:auto;opacity:.6;font-size:12px}
main{max-width:980px;margin:24px auto;padding:0 16px}.card{background:#fff;border-radius:12px;
box-shadow:0 1px 3px rgba(0,0,0,.08);padding:20px 24px;margin-bottom:16px}
.who{display:flex;gap:16px;align-items:center}.avatar{width:56px;height:56px;border-radius:50%;background:#fde3ec;
color:#e0115f;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:20px}
h1{font-size:22px;margin:0}h2{font-size:15px;margin:0 0 12px;color:#5b6170;text-transform:uppercase;letter-spacing:.04em}
.muted{color:#6b7180}.pill{display:inline-block;border-radius:999px;padding:2px 10px;font-size:12px;font-weight:600;
background:#eef0f4;color:#3a4050}.pill.rejected{background:#fde8e8;color:#b42318}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:8px 6px;border-bottom:1px solid #eef0f4}
th{font-size:12px;color:#6b7180;font-weight:600}.stages{display:flex;gap:4px;margin-top:6px}
.stage{flex:1;height:6px;border-radius:3px;background:#e4e6eb}.stage.done{background:#e0115f}
.badge{display:flex;gap:16px;align-items:flex-start;border:1px solid #eef0f4;border-radius:10px;padding:14px;margin-top:10px}
.score{font-size:26px;font-weight:700;min-width:64px;text-align:center}
.status{border-radius:999px;padding:2px 10px;font-size:12px;font-weight:700;color:#fff}
.s-sending{background:#8c93a3}.s-sent{background:#2e90fa}.s-pending{background:#f79009}.s-completed{background:#12b76a}
.s-failed{background:#d92d20}.error{color:#b42318;margin-top:6px}.note{border-left:3px solid #e0115f;padding:4px 10px;margin:8px 0;
white-space:pre-wrap}
)CSS";

QString layout(const QString &companyName, const QString &title, const QString &body)
{
    return QStringLiteral(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title>"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>%2</style>"
        "</head><body><header><div class=\"logo\">T</div><div class=\"co\">%3</div>"
        "<div class=\"tag\">Teamtailor sandbox</div></header><main>%4</main></body></html>")
        .arg(esc(title), QString::fromLatin1(kCss), esc(companyName), body);
}

} // namespace

QString Sandbox::Private::indexPage() const
{
    QString rows;
    for (const auto &kv : candidates) {
        const Candidate &c = kv.second;
        QStringList apps;
        for (qint64 appId : appsByCandidate.value(c.id)) {
            const JobApplication &a = applications.at(appId);
            apps << esc(jobs.at(a.jobId).title) + QLatin1String(" · ") + esc(stages.at(a.stageId).name)
                    + (a.rejectedAt.isValid()
                            ? QStringLiteral(" <span class=\"pill rejected\">Rejected</span>")
                            : QString());
        }
        rows += QStringLiteral(
            "<tr><td><a href=\"/_sandbox/candidates/%1\">%2 %3</a></td><td class=\"muted\">%4</td>"
            "<td>%5</td></tr>")
                    .arg(c.id)
                    .arg(esc(c.firstName), esc(c.lastName), esc(c.email), apps.join(QStringLiteral("<br>")));
        if (rows.size() > 400000) {
            rows += QStringLiteral(
                "<tr><td colspan=\"3\" class=\"muted\">… more candidates not shown</td></tr>");
            break;
        }
    }
    QString jobRows;
    for (const auto &kv : jobs) {
        QStringList names;
        for (qint64 sid : kv.second.stageIds) {
            const auto trig = triggerByStage.constFind(sid);
            names << esc(stages.at(sid).name)
                    + (trig != triggerByStage.constEnd()
                            ? QStringLiteral(" <span class=\"pill\">Intrvio trigger</span>")
                            : QString());
        }
        jobRows += QStringLiteral(
            "<tr><td>%1</td><td><span class=\"pill\">%2</span></td><td class=\"muted\">%3</td></tr>")
                       .arg(esc(kv.second.title), esc(kv.second.status), names.join(QStringLiteral(" → ")));
    }
    const QString body = QStringLiteral(
        "<div class=\"card\"><h2>Jobs</h2><table><tr><th>Job</th><th>Status</th><th>Stages</th></tr>%1"
        "</table></div><div class=\"card\"><h2>Candidates (%2)</h2><table><tr><th>Name</th><th>Email</th>"
        "<th>Applications</th></tr>%3</table></div>")
                             .arg(jobRows)
                             .arg(candidates.size())
                             .arg(rows);
    return layout(company.name, company.name + QLatin1String(" · Candidates"), body);
}

QString Sandbox::Private::candidatePage(const Candidate &c) const
{
    QString apps;
    for (qint64 appId : appsByCandidate.value(c.id)) {
        const JobApplication &a = applications.at(appId);
        const Job &job = jobs.at(a.jobId);
        const Stage &current = stages.at(a.stageId);
        QString bar;
        for (qint64 sid : job.stageIds)
            bar += QStringLiteral("<div class=\"stage%1\" title=\"%2\"></div>")
                       .arg(stages.at(sid).rowOrder <= current.rowOrder ? QStringLiteral(" done") : QString(),
                           esc(stages.at(sid).name));
        apps += QStringLiteral("<tr><td><strong>%1</strong><div class=\"stages\">%2</div></td><td>%3%4</td>"
                               "<td class=\"muted\">moved %5</td></tr>")
                    .arg(esc(job.title), bar, esc(current.name),
                        a.rejectedAt.isValid()
                            ? QStringLiteral(" <span class=\"pill rejected\">Rejected</span>")
                            : QString(),
                        esc(fmt(a.changedStageAt).left(16).replace(QLatin1Char('T'), QLatin1Char(' '))));
    }
    QString badges;
    for (const QString &rid : partnerResultOrder) {
        const auto it = partnerResults.find(rid);
        if (it == partnerResults.end() || it->second.candidateId != c.id)
            continue;
        const PartnerResult &r = it->second;
        const auto score = r.score();
        const QString jobTitle = jobs.count(r.jobId) ? jobs.at(r.jobId).title : QString();
        QString extra;
        if (!r.grade().isEmpty())
            extra += QStringLiteral(" · grade <strong>%1</strong>")
                         .arg(esc(QString(r.grade()).replace(QLatin1Char('_'), QLatin1Char(' '))));
        const QJsonValue duration
            = r.attributes.value(QStringLiteral("assessment")).toObject().value(QStringLiteral("duration"));
        if (duration.isDouble())
            extra += QStringLiteral(" · %1 min").arg(duration.toInt() / 60);
        QString attachments;
        for (const QJsonValue &att : r.attributes.value(QStringLiteral("attachments")).toArray()) {
            const QJsonObject o = att.toObject();
            attachments += QStringLiteral(" · <a href=\"%1\">%2</a>")
                               .arg(esc(o.value(QStringLiteral("url")).toString()),
                                   esc(o.value(QStringLiteral("description")).toString()));
        }
        badges
            += QStringLiteral(
                "<div class=\"badge\" data-partner-result=\"%1\"><div class=\"score\">%2</div><div>"
                "<div><strong>%3</strong> <span class=\"status s-%4\">%4</span>%5</div>"
                "<div class=\"muted\">%6</div><div>%7</div><div>%8%9</div>%10</div></div>")
                   .arg(esc(r.id), score ? QString::number(*score) : QStringLiteral("–"),
                       esc(config.partnerName), esc(r.status()), extra, esc(jobTitle),
                       esc(r.summary().left(150)),
                       r.url().isEmpty() ? QString()
                                         : QStringLiteral("<a href=\"%1\">Open report</a>").arg(esc(r.url())),
                       attachments,
                       r.error.isEmpty() ? QString()
                                         : QStringLiteral("<div class=\"error\">%1</div>").arg(esc(r.error)));
    }
    QString noteHtml;
    for (const auto &kv : notes) {
        if (kv.second.candidateId != c.id)
            continue;
        const auto u = users.find(kv.second.userId);
        noteHtml
            += QStringLiteral("<div class=\"note\">%1<div class=\"muted\">%2 · %3</div></div>")
                   .arg(esc(kv.second.note), u != users.end() ? esc(u->second.name) : QStringLiteral("API"),
                       esc(fmt(kv.second.createdAt).left(16).replace(QLatin1Char('T'), QLatin1Char(' '))));
    }
    const QString initials = (c.firstName.left(1) + c.lastName.left(1)).toUpper();
    const QString body
        = QStringLiteral(
            "<p><a href=\"/_sandbox/\">← All candidates</a></p>"
            "<div class=\"card who\"><div class=\"avatar\">%1</div><div><h1>%2 %3</h1>"
            "<div class=\"muted\">%4 · %5</div></div></div>"
            "<div class=\"card\"><h2>Applications</h2><table><tr><th>Job</th><th>Stage</th><th></th></tr>"
            "%6</table></div>"
            "<div class=\"card\"><h2>Partner results</h2>%7</div>"
            "<div class=\"card\"><h2>Notes</h2>%8</div>")
              .arg(esc(initials), esc(c.firstName), esc(c.lastName), esc(c.email), esc(c.phone), apps,
                  badges.isEmpty() ? QStringLiteral("<div class=\"muted\">No partner results yet.</div>")
                                   : badges,
                  noteHtml.isEmpty() ? QStringLiteral("<div class=\"muted\">No notes.</div>") : noteHtml);
    return layout(company.name, c.firstName + QLatin1Char(' ') + c.lastName, body);
}

static QJsonObject recordJson(const RequestRecord &r, const Sandbox::Private &d)
{
    return QJsonObject { { QStringLiteral("seq"), r.seq }, { QStringLiteral("time"), d.fmt(r.time) },
        { QStringLiteral("method"), r.method }, { QStringLiteral("path"), r.pathAndQuery },
        { QStringLiteral("status"), r.status }, { QStringLiteral("key"), r.key } };
}

static QJsonObject webhookJson(const WebhookRecord &r, const Sandbox::Private &d)
{
    QJsonObject headers;
    for (const auto &h : r.headers)
        headers.insert(QString::fromLatin1(h.first), QString::fromUtf8(h.second));
    return QJsonObject { { QStringLiteral("seq"), r.seq }, { QStringLiteral("kind"), r.kind },
        { QStringLiteral("event-name"), r.eventName }, { QStringLiteral("method"), r.method },
        { QStringLiteral("url"), r.url.toString() }, { QStringLiteral("headers"), headers },
        { QStringLiteral("body"), QString::fromUtf8(r.body) }, { QStringLiteral("status"), r.status },
        { QStringLiteral("answer"), QString::fromUtf8(r.answer) },
        { QStringLiteral("network-error"), r.networkError },
        { QStringLiteral("partner-result-id"), r.partnerResultId },
        { QStringLiteral("sent-at"), d.fmt(r.sentAt) }, { QStringLiteral("answered"), r.answered } };
}

sandbox::HttpResponse Sandbox::Private::control(const HttpRequest &request, const QStringList &seg)
{
    const QByteArray m = request.method;
    QJsonObject body;
    if (m == "POST" || m == "PUT" || m == "PATCH") {
        if (!request.body.trimmed().isEmpty()) {
            QJsonParseError err {};
            const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
            if (err.error != QJsonParseError::NoError || !doc.isObject())
                return problem(
                    400, QStringLiteral("the body must be a JSON object (%1)").arg(err.errorString()));
            body = doc.object();
        }
    }
    QString error;
    const QString head = seg.value(0);

    if (seg.isEmpty() && m == "GET")
        return HttpResponse::html(200, indexPage());

    if (head == QLatin1String("candidates")) {
        if (seg.size() == 2) {
            const auto id = number(seg.at(1));
            const auto it = id ? candidates.find(*id) : candidates.end();
            if (it == candidates.end())
                return m == "GET" ? HttpResponse::html(404,
                           layout(company.name, QStringLiteral("Not found"),
                               QStringLiteral("<div class=\"card\">No candidate %1."
                                              " <a href=\"/_sandbox/\">All candidates</a>"
                                              "</div>")
                                   .arg(esc(seg.at(1)))))
                                  : problem(404, QStringLiteral("no candidate %1").arg(seg.at(1)));
            if (m == "GET")
                return HttpResponse::html(200, candidatePage(it->second));
            if (m == "DELETE") {
                q->deleteCandidate(*id, &error);
                return ok();
            }
        }
        if (seg.size() == 1 && m == "POST") {
            const qint64 appId = q->createApplication(body.value(QStringLiteral("first-name")).toString(),
                body.value(QStringLiteral("last-name")).toString(),
                body.value(QStringLiteral("email")).toString(),
                body.value(QStringLiteral("job-id")).toVariant().toLongLong(), &error);
            if (!appId)
                return problem(422, error);
            return ok({ { QStringLiteral("job-application-id"), appId },
                { QStringLiteral("candidate-id"), applications.at(appId).candidateId } });
        }
        if (seg.size() == 3 && seg.at(2) == QLatin1String("notes") && m == "GET") {
            QJsonArray out;
            for (const Note &n : q->notesOfCandidate(seg.at(1).toLongLong()))
                out.append(QJsonObject { { QStringLiteral("id"), n.id }, { QStringLiteral("note"), n.note },
                    { QStringLiteral("user-id"), n.userId } });
            return ok({ { QStringLiteral("notes"), out } });
        }
        // The candidate's partner results with their error, oldest first (what the card's badges show).
        if (seg.size() == 3 && seg.at(2) == QLatin1String("partner-results") && m == "GET") {
            QJsonArray out;
            for (const QString &prId : partnerResultOrder) {
                const auto pr = partnerResults.find(prId);
                if (pr == partnerResults.end() || pr->second.candidateId != seg.at(1).toLongLong())
                    continue;
                QJsonObject o = partnerResultObject(pr->second);
                o.insert(QStringLiteral("error"), pr->second.error);
                out.append(o);
            }
            return ok({ { QStringLiteral("partner-results"), out } });
        }
        return problem(405, QStringLiteral("unsupported: %1 %2").arg(QString::fromLatin1(m), request.path));
    }

    if (head == QLatin1String("state") && m == "GET") {
        QJsonArray jobList;
        for (const auto &kv : jobs) {
            QJsonArray st;
            for (qint64 sid : kv.second.stageIds) {
                const auto trig = triggerByStage.constFind(sid);
                st.append(QJsonObject { { QStringLiteral("id"), sid },
                    { QStringLiteral("name"), stages.at(sid).name },
                    { QStringLiteral("trigger-id"),
                        trig == triggerByStage.constEnd() ? QJsonValue() : QJsonValue(*trig) } });
            }
            jobList.append(QJsonObject { { QStringLiteral("id"), kv.first },
                { QStringLiteral("title"), kv.second.title }, { QStringLiteral("status"), kv.second.status },
                { QStringLiteral("stages"), st } });
        }
        return ok({ { QStringLiteral("company"), company.name }, { QStringLiteral("base-url"), urlFor({}) },
            { QStringLiteral("jobs"), jobList },
            { QStringLiteral("counts"),
                QJsonObject { { QStringLiteral("jobs"), int(jobs.size()) },
                    { QStringLiteral("candidates"), int(candidates.size()) },
                    { QStringLiteral("job-applications"), int(applications.size()) },
                    { QStringLiteral("notes"), int(notes.size()) },
                    { QStringLiteral("partner-results"), int(partnerResults.size()) } } },
            { QStringLiteral("activated"), activated }, { QStringLiteral("faults"), faults.toString() } });
    }

    if (head == QLatin1String("seed") && m == "POST") {
        const QJsonValue v = body.value(QStringLiteral("seed"));
        const QString spec = v.isDouble() ? QString::number(v.toInteger()) : v.toString();
        if (!q->seed(spec, &error))
            return problem(422, error);
        return ok({ { QStringLiteral("candidates"), int(candidates.size()) },
            { QStringLiteral("job-applications"), int(applications.size()) } });
    }

    if (head == QLatin1String("applications") && seg.size() == 3 && m == "POST") {
        const auto id = number(seg.at(1));
        const QString action = seg.at(2);
        bool done = false;
        if (!id)
            return problem(404, QStringLiteral("no job application %1").arg(seg.at(1)));
        if (action == QLatin1String("move")) {
            const QJsonValue sv = body.value(QStringLiteral("stage-id"));
            qint64 stageId = sv.isDouble() ? sv.toInteger() : sv.toString().toLongLong();
            if (!stageId && body.contains(QStringLiteral("stage")) && applications.count(*id))
                stageId = q->stageIdByName(
                    applications.at(*id).jobId, body.value(QStringLiteral("stage")).toString());
            done = q->moveApplication(*id, stageId, &error);
        } else if (action == QLatin1String("reject")) {
            done = q->rejectApplication(*id, &error);
        } else if (action == QLatin1String("restore")) {
            done = q->restoreApplication(*id, &error);
        } else {
            return problem(404, QStringLiteral("unknown action %1 (move, reject, restore)").arg(action));
        }
        if (!done)
            return problem(422, error);
        return ok({ { QStringLiteral("stage-id"), applications.at(*id).stageId } });
    }

    if (head == QLatin1String("activate") && m == "POST") {
        const QString key = q->activatePartner(body.value(QStringLiteral("fields")).toObject());
        return ok({ { QStringLiteral("provider-key"), key },
            { QStringLiteral("provider-key-jwe"), providerKeyJwe } });
    }

    if (head == QLatin1String("stages") && seg.size() == 3 && seg.at(2) == QLatin1String("trigger")) {
        const auto id = number(seg.at(1));
        if (!id)
            return problem(404, QStringLiteral("no stage %1").arg(seg.at(1)));
        if (m == "DELETE")
            return q->removeTrigger(*id) ? ok()
                                         : problem(404, QStringLiteral("no trigger on stage %1").arg(*id));
        if (m == "POST") {
            const qint64 t
                = q->setTrigger(*id, body.value(QStringLiteral("webhook-data")).toObject(), &error);
            if (!t)
                return problem(422, error);
            return ok({ { QStringLiteral("trigger-id"), t } });
        }
    }

    if (head == QLatin1String("jobs") && seg.size() == 3 && seg.at(2) == QLatin1String("status")
        && m == "POST") {
        if (!q->setJobStatus(seg.at(1).toLongLong(), body.value(QStringLiteral("status")).toString(), &error))
            return problem(422, error);
        return ok();
    }

    if (head == QLatin1String("faults")) {
        if (m == "GET")
            return ok({ { QStringLiteral("faults"), faults.toString() } });
        if (m == "POST" || m == "PUT") {
            QString spec = body.value(QStringLiteral("spec")).toString();
            if (!body.contains(QStringLiteral("spec"))) {
                QStringList parts;
                for (auto it = body.begin(); it != body.end(); ++it)
                    parts << it.key() + QLatin1Char('=') + it.value().toVariant().toString();
                spec = parts.join(QLatin1Char(','));
            }
            const auto f = Faults::parse(spec, &error);
            if (!f)
                return problem(422, error);
            q->setFaults(*f);
            return ok({ { QStringLiteral("faults"), f->toString() } });
        }
    }

    // --- where the partner is: for a sandbox started before the partner knows its own port ---
    if (head == QLatin1String("partner") && seg.size() == 1) {
        if (m == "POST" || m == "PUT") {
            auto httpUrl = [](const QJsonValue &v) {
                const QUrl url(v.toString(), QUrl::StrictMode);
                const bool okay = url.isValid() && !url.host().isEmpty()
                    && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
                return okay ? url : QUrl();
            };
            const QString baseKey = QStringLiteral("base-url");
            const QString hooksKey = QStringLiteral("company-webhook-url");
            if (!body.contains(baseKey) && !body.contains(hooksKey))
                return problem(422, QStringLiteral("send {\"base-url\": URL} and/or {\"company-webhook-url\": URL}"));
            for (const QString &key : { baseKey, hooksKey }) {
                if (body.contains(key) && httpUrl(body.value(key)).isEmpty())
                    return problem(422, QStringLiteral("%1 must be an http(s) URL, got \"%2\"")
                                            .arg(key, body.value(key).toVariant().toString()));
            }
            if (body.contains(baseKey))
                q->setPartnerBaseUrl(httpUrl(body.value(baseKey)));
            if (body.contains(hooksKey))
                q->setCompanyWebhookUrl(httpUrl(body.value(hooksKey)));
        } else if (m != "GET") {
            return problem(405, QStringLiteral("use GET or POST /_sandbox/partner"));
        }
        return ok({ { QStringLiteral("base-url"), config.partnerBaseUrl.toString() },
            { QStringLiteral("company-webhook-url"), config.companyWebhookUrl.toString() } });
    }
    // --- end partner ---

    if (head == QLatin1String("requests") && m == "GET") {
        QJsonArray out;
        for (const RequestRecord &r : requestLog)
            out.append(recordJson(r, *this));
        return ok({ { QStringLiteral("requests"), out } });
    }
    if (head == QLatin1String("webhooks") && m == "GET") {
        QJsonArray out;
        for (const WebhookRecord &r : webhookLog)
            out.append(webhookJson(r, *this));
        return ok({ { QStringLiteral("webhooks"), out } });
    }
    if (head == QLatin1String("logs") && m == "DELETE") {
        q->clearLogs();
        return ok();
    }
    if (head == QLatin1String("partner-results") && seg.size() == 2 && m == "GET") {
        const auto it = partnerResults.find(seg.at(1));
        if (it == partnerResults.end())
            return problem(404, QStringLiteral("no partner result %1").arg(seg.at(1)));
        QJsonObject o = partnerResultObject(it->second);
        o.insert(QStringLiteral("error"), it->second.error);
        return ok({ { QStringLiteral("partner-result"), o } });
    }

    return problem(404,
        QStringLiteral("unknown control route %1 %2; see GET /_sandbox/ and the README of sandbox/")
            .arg(QString::fromLatin1(m), request.path));
}

} // namespace intrvio
