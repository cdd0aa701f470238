// Fuzzes the Teamtailor-Signature and TT-Signature parsers/verifiers.
#include "net/crypto/Signatures.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto parsed = intrvio::PartnerSignature::parse(input);
    if (parsed.ok) {
        for (const QByteArray &v1 : parsed.v1) {
            if (v1.size() != 64)
                __builtin_trap();
        }
    }
    intrvio::PartnerSignature::verify(
        input, "f3d7e8e2-da33-4c10-ae5f-0e7f4d46f6d7", "whsec_example", 1539756759);
    intrvio::CompanySignature::verify(input, input, "whsec_example", 1701234567);
    intrvio::CompanySignature::verify(
        input, R"({"payload":{"data":{"id":"2"}}})", "whsec_example", 1701234567);
    return 0;
}
