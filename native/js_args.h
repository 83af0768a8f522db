// Argument checks for the bindings: every argument's type and range is checked, and a bad
// one is a TypeError or RangeError naming the function and the argument.
#pragma once
#include <napi.h>

#include <cmath>
#include <string>

namespace stresshm {

class JsArgs {
 public:
  JsArgs(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {}

  Napi::Buffer<uint8_t> Buffer(size_t i, const char* name) const {
    if (!info_[i].IsBuffer()) throw Type(name, "a Buffer");
    return info_[i].As<Napi::Buffer<uint8_t>>();
  }
  // A finite number within [min, max].
  double Number(size_t i, const char* name, double min, double max) const {
    if (!info_[i].IsNumber()) throw Type(name, "a number");
    double v = info_[i].As<Napi::Number>().DoubleValue();
    if (!std::isfinite(v) || v < min || v > max) throw Range(name, v, min, max);
    return v;
  }
  // An integer within [min, max].
  int64_t Integer(size_t i, const char* name, double min, double max) const {
    double v = Number(i, name, min, max);
    if (std::floor(v) != v) throw Napi::TypeError::New(info_.Env(), Prefix(name) + "must be an integer");
    return static_cast<int64_t>(v);
  }
  bool Bool(size_t i, const char* name) const {
    if (!info_[i].IsBoolean()) throw Type(name, "a boolean");
    return info_[i].As<Napi::Boolean>();
  }
  std::string String(size_t i, const char* name) const {
    if (!info_[i].IsString()) throw Type(name, "a string");
    return info_[i].As<Napi::String>().Utf8Value();
  }
  Napi::Float64Array Float64Array(size_t i, const char* name) const {
    if (!info_[i].IsTypedArray() || info_[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throw Type(name, "a Float64Array");
    }
    return info_[i].As<Napi::Float64Array>();
  }
  Napi::Array Array(size_t i, const char* name) const {
    if (!info_[i].IsArray()) throw Type(name, "an array");
    return info_[i].As<Napi::Array>();
  }

 private:
  std::string Prefix(const char* name) const { return std::string(fn_) + ": " + name + " "; }
  Napi::Error Type(const char* name, const char* what) const {
    return Napi::TypeError::New(info_.Env(), Prefix(name) + "must be " + what);
  }
  Napi::Error Range(const char* name, double v, double min, double max) const {
    auto fmt = [](double x) {
      return std::isfinite(x) && std::floor(x) == x ? std::to_string(static_cast<int64_t>(x)) : std::to_string(x);
    };
    return Napi::RangeError::New(info_.Env(),
                                 Prefix(name) + "must be within " + fmt(min) + ".." + fmt(max) + ", got " + fmt(v));
  }
  const Napi::CallbackInfo& info_;
  const char* fn_;
};

}  // namespace stresshm
