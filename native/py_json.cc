// Python json.dumps text (see py_json.h).
#include "py_json.h"

#include <algorithm>
#include <charconv>

namespace stresshm {
namespace {

const char kHex[] = "0123456789abcdef";

// Bytes json.dumps writes as they are (ensure_ascii): space..~ except '"' and '\\'.
struct PlainTable {
  bool plain[256] = {};
  constexpr PlainTable() {
    for (int c = 0x20; c <= 0x7e; c++) plain[c] = c != '"' && c != '\\';
  }
};
constexpr PlainTable kPlain;

char* AppendU(char* p, uint32_t unit) {
  const char u[6] = {'\\', 'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15],
                     kHex[(unit >> 4) & 15], kHex[unit & 15]};
  std::memcpy(p, u, 6);
  return p + 6;
}

// Decodes one UTF-8 sequence at s[i]; an invalid one is U+FFFD and consumes one byte.
uint32_t DecodeUtf8(const unsigned char* s, size_t n, size_t& i) {
  unsigned char c = s[i];
  int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
  if (len == 0 || c > 0xf4 || i + len > n) { i++; return 0xfffd; }
  uint32_t cp = c & (0x3f >> (len - 1));
  for (int k = 1; k < len; k++) {
    if ((s[i + k] & 0xc0) != 0x80) { i++; return 0xfffd; }
    cp = (cp << 6) | (s[i + k] & 0x3f);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) { i++; return 0xfffd; }
  i += len;
  return cp;
}

}  // namespace

PyJson::PyJson(std::string& out, bool compact)
    : out_(out), item_(compact ? "," : ", "), key_(compact ? ":" : ": "), sep_len_(compact ? 1 : 2) {
  out_.resize(out_.capacity() < 1024 ? 1024 : out_.capacity());
  p_ = &out_[0];
  end_ = p_ + out_.size();
}

void PyJson::Grow(size_t n) {
  size_t used = static_cast<size_t>(p_ - out_.data());
  out_.resize(std::max(2 * out_.size(), used + n));
  p_ = &out_[0] + used;
  end_ = &out_[0] + out_.size();
}

void PyJson::Finish() { out_.resize(static_cast<size_t>(p_ - out_.data())); }

void PyJson::Separator() {
  if (!first_) Put(item_, sep_len_);
  first_ = false;
}

void PyJson::PlainKey(const char* k, size_t n) {
  Room(n + 6);
  Separator();
  Put('"');
  Put(k, n);
  Put('"');
  Put(key_, sep_len_);
}

void PyJson::Key(const char* k, size_t n) {
  Room(6 * n + 6);
  Separator();
  Put('"');
  Body(k, n);
  Put('"');
  Put(key_, sep_len_);
}

void PyJson::Key2(const std::string& a, const std::string& b) {
  Room(6 * (a.size() + b.size()) + 7);
  Separator();
  Put('"');
  Body(a.data(), a.size());
  Put(':');
  Body(b.data(), b.size());
  Put('"');
  Put(key_, sep_len_);
}

void PyJson::String(const char* s, size_t n) {
  Room(6 * n + 2);
  Put('"');
  Body(s, n);
  Put('"');
}

void PyJson::Uint(uint64_t v) {
  Room(20);
  p_ = std::to_chars(p_, p_ + 20, v).ptr;
}

// Escapes as json.dumps does; each input byte gives at most 6 output bytes (a control
// character's \u00XX; a UTF-8 sequence of 2 to 4 bytes gives one or two \uXXXX).
void PyJson::Body(const char* str, size_t n) {
  const auto* s = reinterpret_cast<const unsigned char*>(str);
  char* p = p_;
  for (size_t i = 0; i < n;) {
    size_t run = i;  // characters written as they are, copied in one go
    while (run < n && kPlain.plain[s[run]]) run++;
    if (run > i) {
      std::memcpy(p, str + i, run - i);
      p += run - i;
      i = run;
      continue;
    }
    unsigned char c = s[i];
    if (c >= 0x80) {
      uint32_t cp = DecodeUtf8(s, n, i);
      if (cp < 0x10000) {
        p = AppendU(p, cp);
      } else {
        cp -= 0x10000;
        p = AppendU(p, 0xd800 | (cp >> 10));
        p = AppendU(p, 0xdc00 | (cp & 0x3ff));
      }
      continue;
    }
    i++;
    char esc = 0;
    switch (c) {
      case '"': esc = '"'; break;
      case '\\': esc = '\\'; break;
      case '\b': esc = 'b'; break;
      case '\f': esc = 'f'; break;
      case '\n': esc = 'n'; break;
      case '\r': esc = 'r'; break;
      case '\t': esc = 't'; break;
      default: break;
    }
    if (esc) {
      *p++ = '\\';
      *p++ = esc;
    } else {
      p = AppendU(p, c);  // the other controls and DEL
    }
  }
  p_ = p;
}

}  // namespace stresshm
