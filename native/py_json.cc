// Python json.dumps text (see py_json.h).
#include "py_json.h"

#include <charconv>

namespace stresshm {
namespace {

const char kHex[] = "0123456789abcdef";

void AppendU(std::string& out, uint32_t unit) {
  char u[6] = {'\\', 'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15], kHex[unit & 15]};
  out.append(u, 6);
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

void PyJson::Separator() {
  if (!first_) out_ += item_;
  first_ = false;
}

void PyJson::Key(const char* k, size_t n) {
  Separator();
  String(k, n);
  out_ += key_;
}

void PyJson::Key2(const std::string& a, const std::string& b) {
  Separator();
  out_.push_back('"');
  Body(a.data(), a.size());
  out_.push_back(':');
  Body(b.data(), b.size());
  out_.push_back('"');
  out_ += key_;
}

void PyJson::String(const char* s, size_t n) {
  out_.push_back('"');
  Body(s, n);
  out_.push_back('"');
}

void PyJson::Uint(uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void PyJson::Body(const char* str, size_t n) {
  const auto* s = reinterpret_cast<const unsigned char*>(str);
  for (size_t i = 0; i < n;) {
    size_t run = i;  // characters written as they are, appended in one go
    while (run < n && s[run] >= 0x20 && s[run] <= 0x7e && s[run] != '"' && s[run] != '\\') run++;
    if (run > i) {
      out_.append(str + i, run - i);
      i = run;
      continue;
    }
    unsigned char c = s[i];
    if (c >= 0x80) {
      uint32_t cp = DecodeUtf8(s, n, i);
      if (cp < 0x10000) {
        AppendU(out_, cp);
      } else {
        cp -= 0x10000;
        AppendU(out_, 0xd800 | (cp >> 10));
        AppendU(out_, 0xdc00 | (cp & 0x3ff));
      }
      continue;
    }
    i++;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) AppendU(out_, c);
        else out_.push_back(static_cast<char>(c));
    }
  }
}

}  // namespace stresshm
