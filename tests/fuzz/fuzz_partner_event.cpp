// Fuzzes the POST /webhook partner-event decoder and its normalization.
#include "net/events/EventNormalizer.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace intrvio::EventNormalizer;
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const PartnerEvent e = decodePartnerEvent(body);
    const auto events = normalizePartner(e);
    if (e.ok() != (events.size() == 1))
        __builtin_trap();
    const PartnerEvent envelope = decodePartnerEvent(body, PartnerDetail::Envelope);
    if (envelope.error != e.error || envelope.eventId != e.eventId)
        __builtin_trap(); // the answer is decided on the envelope, processing on the full decode
    normalizePartner(e, QStringLiteral("resend"));
    return 0;
}
