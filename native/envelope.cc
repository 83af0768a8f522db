// The heartbeat envelope (see envelope.h).
#include "envelope.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

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

// Does the provider's colon-separated name list hold `name`?
bool HasName(const char* names, const std::string& name) {
  for (const char* p = names; *p;) {
    const char* end = std::strchr(p, ':');
    size_t n = end ? static_cast<size_t>(end - p) : std::strlen(p);
    if (n == name.size() && std::strncmp(p, name.data(), n) == 0) return true;
    if (!end) break;
    p = end + 1;
  }
  return false;
}

// SHA-256 as the provider EVP fetched it from implements it (node's own OpenSSL, its default
// provider): the provider's newctx, init, update, final and freectx, from its public dispatch
// table (OSSL_PROVIDER_query_operation). Re-initialising one of its contexts allocates nothing,
// whereas OpenSSL 3.0's EVP allocates per message on every path: EVP_MD_CTX_copy_ex duplicates
// the provider context on the heap, EVP_DigestInit_ex2 on a reused context frees and re-creates
// it, and EVP_MAC_init with the kept key copies (counted with bench/c/malloc_count.c). The
// low-level SHA256_* calls avoid that too, but they are deprecated.
class ProviderSha256 {
 public:
  static const ProviderSha256& Get() {
    static const ProviderSha256 sha;  // resolved once, thread-safe
    return sha;
  }
  void* NewCtx() const {
    void* ctx = newctx_(provctx_);
    if (!ctx) throw std::runtime_error("OpenSSL SHA-256: no context");
    return ctx;
  }
  void Free(void* ctx) const { freectx_(ctx); }
  // SHA-256(a || b) into out, on a context of NewCtx().
  void Digest2(void* ctx, const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len, unsigned char out[32]) const {
    size_t n = 0;
    if (!init_(ctx, nullptr) || !update_(ctx, a, a_len) || !update_(ctx, b, b_len) || !final_(ctx, out, &n, 32) ||
        n != 32) {
      throw std::runtime_error("OpenSSL SHA-256 failed");
    }
  }

 private:
  ProviderSha256() {
    OSSL_PROVIDER* prov = const_cast<OSSL_PROVIDER*>(EVP_MD_get0_provider(Sha256()));
    int no_store = 0;
    const OSSL_ALGORITHM* algs = prov ? OSSL_PROVIDER_query_operation(prov, OSSL_OP_DIGEST, &no_store) : nullptr;
    for (const OSSL_ALGORITHM* a = algs; a && a->algorithm_names; a++) {
      if (!HasName(a->algorithm_names, EVP_MD_get0_name(Sha256()))) continue;
      for (const OSSL_DISPATCH* d = a->implementation; d->function_id != 0; d++) Take(d);
      break;
    }
    if (algs) OSSL_PROVIDER_unquery_operation(prov, OSSL_OP_DIGEST, algs);
    if (!newctx_ || !init_ || !update_ || !final_ || !freectx_) {
      throw std::runtime_error("OpenSSL's SHA-256 provider lacks a digest function");
    }
    provctx_ = OSSL_PROVIDER_get0_provider_ctx(prov);
  }
  void Take(const OSSL_DISPATCH* d) {
    switch (d->function_id) {
      case OSSL_FUNC_DIGEST_NEWCTX: newctx_ = OSSL_FUNC_digest_newctx(d); break;
      case OSSL_FUNC_DIGEST_INIT: init_ = OSSL_FUNC_digest_init(d); break;
      case OSSL_FUNC_DIGEST_UPDATE: update_ = OSSL_FUNC_digest_update(d); break;
      case OSSL_FUNC_DIGEST_FINAL: final_ = OSSL_FUNC_digest_final(d); break;
      case OSSL_FUNC_DIGEST_FREECTX: freectx_ = OSSL_FUNC_digest_freectx(d); break;
      default: break;
    }
  }
  OSSL_FUNC_digest_newctx_fn* newctx_ = nullptr;
  OSSL_FUNC_digest_init_fn* init_ = nullptr;
  OSSL_FUNC_digest_update_fn* update_ = nullptr;
  OSSL_FUNC_digest_final_fn* final_ = nullptr;
  OSSL_FUNC_digest_freectx_fn* freectx_ = nullptr;
  void* provctx_ = nullptr;
};

// HMAC-SHA256 (RFC 2104) with the key's padded blocks kept per thread: each message is two
// SHA-256 passes on one reused provider context (ipad || message, then opad || inner digest),
// and allocates nothing.
class HmacState {
 public:
  HmacState() : sha_(ProviderSha256::Get()), ctx_(sha_.NewCtx()) {}
  ~HmacState() { sha_.Free(ctx_); }
  HmacState(const HmacState&) = delete;
  HmacState& operator=(const HmacState&) = delete;

  void Mac(const std::string& key, const uint8_t* data, size_t len, unsigned char out[32]) {
    if (!ready_ || key != key_) SetKey(key);
    unsigned char inner[32];
    sha_.Digest2(ctx_, ipad_, 64, data, len, inner);
    sha_.Digest2(ctx_, opad_, 64, inner, 32, out);
  }

 private:
  void SetKey(const std::string& key) {
    unsigned char block[64] = {0};
    if (key.size() > 64) {
      const auto* k = reinterpret_cast<const uint8_t*>(key.data());
      sha_.Digest2(ctx_, k, key.size(), nullptr, 0, block);
    } else {
      std::memcpy(block, key.data(), key.size());
    }
    for (int i = 0; i < 64; i++) {
      ipad_[i] = block[i] ^ 0x36;
      opad_[i] = block[i] ^ 0x5c;
    }
    key_ = key;
    ready_ = true;
  }
  const ProviderSha256& sha_;
  void* ctx_;
  unsigned char ipad_[64];
  unsigned char opad_[64];
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
