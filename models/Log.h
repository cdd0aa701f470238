#pragma once

#include <QLoggingCategory>

// One logging category per subsystem. Enable with QT_LOGGING_RULES, e.g.
// QT_LOGGING_RULES="intrvio.webhook.debug=true". Anything that logs headers, URLs or bodies
// passes them through intrvio::redact* first (Redaction.h).
Q_DECLARE_LOGGING_CATEGORY(lcApp)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
Q_DECLARE_LOGGING_CATEGORY(lcApi)
Q_DECLARE_LOGGING_CATEGORY(lcSync)
Q_DECLARE_LOGGING_CATEGORY(lcWebhook)
Q_DECLARE_LOGGING_CATEGORY(lcPipeline)
Q_DECLARE_LOGGING_CATEGORY(lcOutbox)
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
