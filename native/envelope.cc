// The heartbeat envelope (see envelope.h).
#include "envelope.h"

#include <openssl/evp.h>

// The system zlib's own header, by path: node's include directory, searched first, holds the
// header of node's bundled (Chromium) zlib, whose deflate gives other bytes than Python's.
// binding.gyp links the system libz.a into the addon with its symbols kept private.
#include "/usr/include/zlib.h"

#include <cstring>
#include <stdexcept>

namespace stresshm {
namespace {

void ToHex(const unsigned char* d, size_t n, char* out) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hex[d[i] >> 4];
    out[2 * i + 1] = hex[d[i] & 15];
  }
}

const EVP_MD* Sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // fetched once, kept for the process
  if (!md) throw std::runtime_error("OpenSSL has no SHA256");
  return md;
}

// HMAC-SHA256 (RFC 2104) with the key's inner and outer pad states computed once per thread:
// each message costs two digest-context copies and two SHA-256 passes. With node 20's OpenSSL
// (3.0), each EVP_MD_CTX_copy_ex duplicates its provider context on the heap: these two are the
// encoder's only allocations per heartbeat. Every other EVP path allocates as well (EVP_MAC_init
// with the kept key, EVP_DigestInit_ex2 on a reused context: counted with valgrind), and the
// allocation-free SHA256_* calls are deprecated; the two copies cost about 0.05 us.
class HmacState {
 public:
  HmacState() : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()), work_(EVP_MD_CTX_new()) {}
  ~HmacState() {
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_CTX_free(work_);
  }
  HmacState(const HmacState&) = delete;
  HmacState& operator=(const HmacState&) = delete;

  void Mac(const std::string& key, const uint8_t* data, size_t len, unsigned char out[32]) {
    if (!ready_ || key != key_) SetKey(key);
    unsigned char inner[32];
    unsigned int n = 0;
    Check(EVP_MD_CTX_copy_ex(work_, inner_) && EVP_DigestUpdate(work_, data, len) &&
          EVP_DigestFinal_ex(work_, inner, &n));
    Check(EVP_MD_CTX_copy_ex(work_, outer_) && EVP_DigestUpdate(work_, inner, 32) &&
          EVP_DigestFinal_ex(work_, out, &n));
  }

 private:
  static void Check(int ok) {
    if (!ok) throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
  }
  void SetKey(const std::string& key) {
    Check(inner_ && outer_ && work_);
    unsigned char block[64] = {0};
    unsigned int n = 0;
    if (key.size() > 64) Check(EVP_Digest(key.data(), key.size(), block, &n, Sha256(), nullptr));
    else std::memcpy(block, key.data(), key.size());
    unsigned char ipad[64], opad[64];
    for (int i = 0; i < 64; i++) {
      ipad[i] = block[i] ^ 0x36;
      opad[i] = block[i] ^ 0x5c;
    }
    Check(EVP_DigestInit_ex2(inner_, Sha256(), nullptr) && EVP_DigestUpdate(inner_, ipad, 64));
    Check(EVP_DigestInit_ex2(outer_, Sha256(), nullptr) && EVP_DigestUpdate(outer_, opad, 64));
    key_ = key;
    ready_ = true;
  }
  EVP_MD_CTX* inner_;
  EVP_MD_CTX* outer_;
  EVP_MD_CTX* work_;
  std::string key_;
  bool ready_ = false;
};

// One deflate stream per thread, reset between messages: with the system zlib, deflateReset
// gives the same bytes as a fresh stream (node's bundled zlib does not), and it saves the
// stream's set-up and its ~270 KB of working memory per message.
class Deflater {
 public:
  ~Deflater() {
    if (level_ >= 0) deflateEnd(&zs_);
  }
  z_stream* Ready(int level) {
    if (level_ == level) {
      if (deflateReset(&zs_) != Z_OK) throw std::runtime_error("deflateReset failed");
      return &zs_;
    }
    if (level_ >= 0) deflateEnd(&zs_);
    level_ = -1;
    std::memset(&zs_, 0, sizeof(zs_));
    if (deflateInit2(&zs_, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
    level_ = level;
    return &zs_;
  }

 private:
  z_stream zs_{};
  int level_ = -1;
};

}  // namespace

void HmacSha256(const std::string& key, const uint8_t* data, size_t len, unsigned char out[32]) {
  thread_local HmacState state;
  state.Mac(key, data, len, out);
}

// Compresses into a per-thread scratch buffer sized by deflateBound, then copies the result
// into `out`: a kept packet's capacity follows its own size, not the (larger) bound.
void DeflateInto(const char* data, size_t len, int level, std::string& out, size_t spare) {
  thread_local Deflater deflater;
  thread_local std::string scratch;
  z_stream* zs = deflater.Ready(level);
  size_t bound = deflateBound(zs, len);
  if (scratch.size() < bound) scratch.resize(bound);
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  zs->avail_in = static_cast<uInt>(len);
  zs->next_out = reinterpret_cast<Bytef*>(&scratch[0]);
  zs->avail_out = static_cast<uInt>(bound);
  if (deflate(zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
  size_t n = zs->total_out;
  if (out.capacity() < n + spare) out.reserve(n + spare);
  out.assign(scratch.data(), n);
}

void WrapEnvelopeInto(const std::string& json, const std::string& key, bool legacy, int level, std::string& out) {
  DeflateInto(json.data(), json.size(), level, out, 64);
  size_t n = out.size();
  unsigned char mac[32];
  HmacSha256(key, reinterpret_cast<const uint8_t*>(out.data()), n, mac);
  if (legacy) out.append(reinterpret_cast<const char*>(mac), 32);
  else {
    char hex[64];
    ToHex(mac, 32, hex);
    out.append(hex, 64);
  }
}

std::string WrapEnvelope(const std::string& json, const std::string& key, bool legacy, int level) {
  std::string out;
  WrapEnvelopeInto(json, key, legacy, level, out);
  out.shrink_to_fit();  // one packet per amphora may be kept: no slack
  return out;
}

bool VerifyEnvelope(const uint8_t* data, size_t len, const std::string& key) {
  unsigned char mac[32];
  if (len > 64) {
    HmacSha256(key, data, len - 64, mac);
    char hex[64];
    ToHex(mac, 32, hex);
    if (std::memcmp(hex, data + len - 64, 64) == 0) return true;
  }
  if (len > 32) {
    HmacSha256(key, data, len - 32, mac);
    if (std::memcmp(mac, data + len - 32, 32) == 0) return true;
  }
  return false;
}

const char* DeflateVersion() { return zlibVersion(); }

}  // namespace stresshm
