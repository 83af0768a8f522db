// The heartbeat envelope, as Octavia's status_message.wrap_envelope makes it: the message
// zlib-compressed, followed by its HMAC-SHA256 (64 hex characters, or the raw 32 bytes of
// very old amphorae). Compression is the system zlib's (the one Python links, so the bytes
// equal zlib.compress(json, level)); HMAC uses node's OpenSSL SHA-256.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace stresshm {

// zlib.compress(data, level) into `out`, with `spare` bytes of capacity left for a digest.
void DeflateInto(const char* data, size_t len, int level, std::string& out, size_t spare = 0);

// zlib(json) + digest into `out` (its capacity is reused).
void WrapEnvelopeInto(const std::string& json, const std::string& key, bool legacy_digest, int level, std::string& out);
std::string WrapEnvelope(const std::string& json, const std::string& key, bool legacy_digest, int level);

// HMAC-SHA256 of data under key (the key's pad states are kept per thread).
void HmacSha256(const std::string& key, const uint8_t* data, size_t len, unsigned char out[32]);

// Verifies an envelope's digest (hex or raw), as the health manager does.
bool VerifyEnvelope(const uint8_t* data, size_t len, const std::string& key);

// The version string of the zlib whose deflate WrapEnvelope calls.
const char* DeflateVersion();

}  // namespace stresshm
