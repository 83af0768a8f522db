// Helpers every binding uses: C++ exceptions become JavaScript errors carrying a code, and a
// fleet spec argument is parsed; the registry of what runs in one environment.
#pragma once
#include <napi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "fleet_spec.h"
#include "js_args.h"
#include "sender_threads.h"
#include "udp_sink.h"

namespace stresshm {

constexpr const char* kEndpointCode = "ERR_STRESSHM_ENDPOINT";
constexpr const char* kSpecCode = "ERR_STRESSHM_SPEC";

// What runs in one environment, so its threads stop when the environment shuts down. Held
// by the addon and by every Fleet and Sink, so their destruction order does not matter.
class Registry {
 public:
  void Add(FleetRunner* f) { std::lock_guard<std::mutex> l(mu_); fleets_.insert(f); }
  void Add(UdpSink* s) { std::lock_guard<std::mutex> l(mu_); sinks_.insert(s); }
  void Remove(FleetRunner* f) { std::lock_guard<std::mutex> l(mu_); fleets_.erase(f); }
  void Remove(UdpSink* s) { std::lock_guard<std::mutex> l(mu_); sinks_.erase(s); }
  void StopAll() {
    std::lock_guard<std::mutex> l(mu_);
    for (auto* f : fleets_) f->Stop();
    for (auto* s : sinks_) s->Stop();
  }

 private:
  std::mutex mu_;
  std::set<FleetRunner*> fleets_;
  std::set<UdpSink*> sinks_;
};

// The registry of the environment's addon instance (defined with the addon, binding.cc).
std::shared_ptr<Registry> RegistryOf(Napi::Env env);

// An object's place in its environment's registry, for the object's lifetime: declared after
// what it registers, so it is removed before that is destroyed.
template <typename T>
class Registration {
 public:
  Registration(Napi::Env env, T* item) : registry_(RegistryOf(env)), item_(item) { registry_->Add(item_); }
  ~Registration() { registry_->Remove(item_); }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  std::shared_ptr<Registry> registry_;
  T* item_;
};

// A JavaScript Error carrying `code`, so TypeScript can tell an unusable endpoint (an
// environment error) from a spec it refuses (a usage error).
inline Napi::Error CodedError(Napi::Env env, const std::string& message, const char* code) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

// Runs `fn`, turning C++ exceptions into JavaScript errors with a code.
template <typename Fn>
auto Guarded(Napi::Env env, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const EndpointError& e) {
    throw CodedError(env, e.what(), kEndpointCode);
  } catch (const std::exception& e) {
    throw CodedError(env, e.what(), kSpecCode);
  }
}

inline FleetSpec SpecArg(const JsArgs& args, size_t i) {
  auto buf = args.Buffer(i, "spec");
  return ParseFleetSpec(buf.Data(), buf.Length());
}

// A fleet header (settings, no LBs) from a Buffer.
inline FleetSpec HeaderArg(const JsArgs& args, size_t i) {
  auto buf = args.Buffer(i, "header");
  return ParseFleetHeader(buf.Data(), buf.Length());
}

// Error counts by errno, as an object keyed by the errno's decimal text.
inline Napi::Object ErrorsObject(Napi::Env env, const std::map<int, uint64_t>& errors) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& kv : errors) o.Set(std::to_string(kv.first), Napi::Number::New(env, static_cast<double>(kv.second)));
  return o;
}

}  // namespace stresshm
