// Fuzzes the company-webhook decoder and normalization, with and without known previous state.
#include "net/crypto/Signatures.h"
#include "net/events/EventNormalizer.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace intrvio::EventNormalizer;
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const CompanyWebhook hook = decodeCompanyWebhook(body);
    normalizeCompany(hook);
    Previous previous;
    previous.stageId = QStringLiteral("9");
    previous.rejected = true;
    previous.jobStatus = QStringLiteral("draft");
    normalizeCompany(hook, previous);
    intrvio::CompanySignature::dataId(body);
    return 0;
}
