// JSON text exactly as Python's json.dumps writes it with its defaults (what an amphora's
// health sender sends): ", " and ": " separators, ensure_ascii (every character outside
// space..~ escaped, lowercase hex, astral characters as surrogate pairs), integers in
// decimal. The compact style (",", ":") is a deliberate, non-default alternative.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

namespace stresshm {

// Writes straight into `out`'s storage (grown as needed, its capacity reused across
// messages); Finish() trims `out` to the text written.
class PyJson {
 public:
  PyJson(std::string& out, bool compact);

  void Open() { Room(1); Put('{'); first_ = true; }
  void Close() { Room(1); Put('}'); first_ = false; }  // the enclosing object's next key needs a separator
  // `"key": ` (with the item separator before it unless it is the first of its object).
  void Key(const std::string& k) { Key(k.data(), k.size()); }
  void Key(const char* k, size_t n);
  template <size_t N>
  void Key(const char (&k)[N]) { PlainKey(k, N - 1); }  // a literal key: plain ASCII, nothing to escape
  // A key made of two strings joined by ':' (Octavia's "pool_id:listener_id").
  void Key2(const std::string& a, const std::string& b);
  void String(const char* s, size_t n);
  void String(const std::string& s) { String(s.data(), s.size()); }
  void String(const char* s) { String(s, std::strlen(s)); }
  void Uint(uint64_t v);
  void Finish();

 private:
  void Room(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) Grow(n);
  }
  void Grow(size_t n);
  void Put(char c) { *p_++ = c; }
  void Put(const char* s, size_t n) {
    std::memcpy(p_, s, n);
    p_ += n;
  }
  void Separator();  // needs Room(2)
  void PlainKey(const char* k, size_t n);
  void Body(const char* s, size_t n);  // escaped characters, no quotes; needs Room(6 * n)
  std::string& out_;
  char* p_;
  char* end_;
  const char* item_;
  const char* key_;
  size_t sep_len_;  // of both item_ and key_
  bool first_ = true;
};

}  // namespace stresshm
