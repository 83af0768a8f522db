// Minimal MessagePack reader (see msgpack_reader.h).
#include "msgpack_reader.h"

#include <cstring>
#include <utility>

namespace stresshm {
namespace {

class Reader {
 public:
  Reader(const uint8_t* d, size_t n, size_t p = 0) : d_(d), n_(n), p_(p) {}
  size_t Pos() const { return p_; }
  uint64_t Header(uint8_t fix_mask, uint8_t fix_tag, uint8_t tag16, uint8_t tag32, const char* what) {
    uint8_t t = Byte();
    if ((t & fix_mask) == fix_tag) return t & static_cast<uint8_t>(~fix_mask);
    if (t == tag16) return Be(2);
    if (t == tag32) return Be(4);
    throw std::runtime_error(std::string("fleet spec: expected ") + what);
  }

  MpValue Read() {
    uint8_t t = Byte();
    MpValue v;
    if (t <= 0x7f) return Int(t);
    if (t >= 0xe0) return Int(static_cast<int8_t>(t));
    if ((t & 0xf0) == 0x80) return Map(t & 0x0f);
    if ((t & 0xf0) == 0x90) return Arr(t & 0x0f);
    if ((t & 0xe0) == 0xa0) return Str(t & 0x1f);
    switch (t) {
      case 0xc0: return v;
      case 0xc2: v.kind = MpValue::Bool; v.b = false; return v;
      case 0xc3: v.kind = MpValue::Bool; v.b = true; return v;
      case 0xc4: return Bin(Be(1));
      case 0xc5: return Bin(Be(2));
      case 0xc6: return Bin(Be(4));
      case 0xca: { uint32_t u = static_cast<uint32_t>(Be(4)); float f; std::memcpy(&f, &u, 4); return Flt(f); }
      case 0xcb: { uint64_t u = Be(8); double f; std::memcpy(&f, &u, 8); return Flt(f); }
      case 0xcc: return Int(Be(1));
      case 0xcd: return Int(Be(2));
      case 0xce: return Int(Be(4));
      case 0xcf: return Int(static_cast<int64_t>(Be(8)));
      case 0xd0: return Int(static_cast<int8_t>(Be(1)));
      case 0xd1: return Int(static_cast<int16_t>(Be(2)));
      case 0xd2: return Int(static_cast<int32_t>(Be(4)));
      case 0xd3: return Int(static_cast<int64_t>(Be(8)));
      case 0xd9: return Str(Be(1));
      case 0xda: return Str(Be(2));
      case 0xdb: return Str(Be(4));
      case 0xdc: return Arr(Be(2));
      case 0xdd: return Arr(Be(4));
      case 0xde: return Map(Be(2));
      case 0xdf: return Map(Be(4));
      default: throw std::runtime_error("fleet spec: unsupported msgpack type");
    }
  }

 private:
  uint8_t Byte() {
    if (p_ >= n_) throw std::runtime_error("fleet spec: truncated msgpack");
    return d_[p_++];
  }
  uint64_t Be(int bytes) {
    uint64_t v = 0;
    for (int k = 0; k < bytes; k++) v = (v << 8) | Byte();
    return v;
  }
  static MpValue Int(int64_t i) { MpValue v; v.kind = MpValue::Int; v.i = i; return v; }
  static MpValue Flt(double f) { MpValue v; v.kind = MpValue::Float; v.f = f; return v; }
  MpValue Str(uint64_t len) {
    if (p_ + len > n_) throw std::runtime_error("fleet spec: truncated string");
    MpValue v; v.kind = MpValue::Str; v.s.assign(reinterpret_cast<const char*>(d_ + p_), len); p_ += len; return v;
  }
  MpValue Bin(uint64_t len) { MpValue v = Str(len); v.kind = MpValue::Bin; return v; }
  MpValue Arr(uint64_t count) {
    MpValue v; v.kind = MpValue::Arr; v.arr.reserve(count);
    for (uint64_t k = 0; k < count; k++) v.arr.push_back(Read());
    return v;
  }
  MpValue Map(uint64_t count) {
    MpValue v; v.kind = MpValue::Map; v.map.reserve(count);
    for (uint64_t k = 0; k < count; k++) {
      MpValue key = Read();
      if (key.kind != MpValue::Str) throw std::runtime_error("fleet spec: map key is not a string");
      v.map.emplace_back(key.s, Read());
    }
    return v;
  }

  const uint8_t* d_;
  size_t n_;
  size_t p_ = 0;
};

// Runs `read` on a reader placed at `pos`, then moves `pos` past what it read.
template <typename Fn>
auto ReadAt(const uint8_t* d, size_t n, size_t& pos, Fn read) -> decltype(read(std::declval<Reader&>())) {
  Reader r(d, n, pos);
  auto result = read(r);
  pos = r.Pos();
  return result;
}

}  // namespace

uint8_t MpCursor::Peek() const {
  if (p_ >= n_) throw std::runtime_error("fleet spec: truncated msgpack");
  return d_[p_];
}

size_t MpCursor::MapHeader() {
  return ReadAt(d_, n_, p_, [](Reader& r) { return r.Header(0xf0, 0x80, 0xde, 0xdf, "a map"); });
}

size_t MpCursor::ArrayHeader() {
  return ReadAt(d_, n_, p_, [](Reader& r) { return r.Header(0xf0, 0x90, 0xdc, 0xdd, "an array"); });
}

std::string MpCursor::Str() {
  uint8_t t = Peek();
  if (!((t & 0xe0) == 0xa0 || t == 0xd9 || t == 0xda || t == 0xdb)) {
    throw std::runtime_error("fleet spec: expected a string");
  }
  return Value().s;
}

MpValue MpCursor::Value() {
  return ReadAt(d_, n_, p_, [](Reader& r) { return r.Read(); });
}

const MpValue* MpValue::get(const std::string& key) const {
  for (const auto& kv : map) if (kv.first == key) return &kv.second;
  return nullptr;
}

const MpValue& MpValue::at(const std::string& key) const {
  const MpValue* v = get(key);
  if (!v) throw std::runtime_error("fleet spec: missing field " + key);
  return *v;
}

double MpValue::num() const {
  if (kind == Int) return static_cast<double>(i);
  if (kind == Float) return f;
  if (kind == Bool) return b ? 1 : 0;
  throw std::runtime_error("fleet spec: expected a number");
}

}  // namespace stresshm
