// Fuzzes provider-key classification and JWS/JWE decoding.
#include "net/crypto/ProviderKey.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace intrvio::ProviderKey;
    const QByteArrayView token(reinterpret_cast<const char *>(data), qsizetype(size));
    const Kind kind = classify(token);
    const Decoded jws = verifyJws(token, "abc123abc123");
    const Decoded jwe = decryptJwe(token, "whsec_example");
    // A token that verifies must have been classified as that shape.
    if (jws.ok() && kind != Kind::Jws)
        __builtin_trap();
    if (jwe.ok() && kind != Kind::Jwe)
        __builtin_trap();
    return 0;
}
