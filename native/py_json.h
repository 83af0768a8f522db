// JSON text exactly as Python's json.dumps writes it with its defaults (what an amphora's
// health sender sends): ", " and ": " separators, ensure_ascii (every character outside
// space..~ escaped, lowercase hex, astral characters as surrogate pairs), integers in
// decimal. The compact style (",", ":") is a deliberate, non-default alternative.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

namespace stresshm {

class PyJson {
 public:
  PyJson(std::string& out, bool compact) : out_(out), item_(compact ? "," : ", "), key_(compact ? ":" : ": ") {}

  void Open() { out_.push_back('{'); first_ = true; }
  void Close() { out_.push_back('}'); first_ = false; }  // the enclosing object's next key needs a separator
  // `"key": ` (with the item separator before it unless it is the first of its object).
  void Key(const std::string& k) { Key(k.data(), k.size()); }
  void Key(const char* k, size_t n);
  template <size_t N>
  void Key(const char (&k)[N]) { Key(k, N - 1); }  // a literal key
  // A key made of two strings joined by ':' (Octavia's "pool_id:listener_id").
  void Key2(const std::string& a, const std::string& b);
  void String(const char* s, size_t n);
  void String(const std::string& s) { String(s.data(), s.size()); }
  void String(const char* s) { String(s, std::strlen(s)); }
  void Uint(uint64_t v);

 private:
  void Separator();
  void Body(const char* s, size_t n);  // escaped characters, no quotes
  std::string& out_;
  const char* item_;
  const char* key_;
  bool first_ = true;
};

}  // namespace stresshm
