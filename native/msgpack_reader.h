// Minimal MessagePack reader: decodes the fleet spec that JavaScript packs with msgpackr
// (maps, arrays, strings, integers, floats, booleans, nil) into a small value tree.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace stresshm {

struct MpValue {
  enum Kind { Nil, Bool, Int, Float, Str, Bin, Arr, Map } kind = Nil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<MpValue> arr;
  std::vector<std::pair<std::string, MpValue>> map;

  const MpValue* get(const std::string& key) const;
  double num() const;
  const MpValue& at(const std::string& key) const;
};

// Walks a msgpack buffer one value at a time, so a large array can be read element by
// element: only one element's tree exists at a time (bounded memory, no heap fragments
// left between the long-lived results).
class MpCursor {
 public:
  MpCursor(const uint8_t* data, size_t len) : d_(data), n_(len) {}
  size_t MapHeader();    // entries of the map at the cursor
  size_t ArrayHeader();  // elements of the array at the cursor
  std::string Str();     // a string (map key or value)
  MpValue Value();       // the whole value at the cursor, as a tree

 private:
  uint8_t Peek() const;
  const uint8_t* d_;
  size_t n_;
  size_t p_ = 0;
};

}  // namespace stresshm
