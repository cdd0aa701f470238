#include "Log.h"

Q_LOGGING_CATEGORY(lcApp, "intrvio.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "intrvio.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSecrets, "intrvio.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "intrvio.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSync, "intrvio.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWebhook, "intrvio.webhook", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "intrvio.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOutbox, "intrvio.outbox", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSandbox, "intrvio.sandbox", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "intrvio.ui", QtInfoMsg)
