// Minimal MessagePack reader: decodes the fleet spec that JavaScript packs with msgpackr
// (maps, arrays, strings, integers, floats, booleans, nil) into a small value tree.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
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
  MpValue& at(const std::string& key) { return const_cast<MpValue&>(static_cast<const MpValue*>(this)->at(key)); }
};

MpValue DecodeMsgpack(const uint8_t* data, size_t len);

}  // namespace stresshm
