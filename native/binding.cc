// N-API bindings (node-addon-api): JavaScript hands a fleet over once as a msgpack Buffer,
// starts and stops it, and reads counters and send history; it never sees a packet. State
// is per environment (Napi::Addon): the fleets and sinks of an environment stop with it.
#include <malloc.h>
#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "address.h"
#include "fleet_spec.h"
#include "heartbeat_encoder.h"
#include "js_args.h"
#include "sender_threads.h"
#include "udp_sink.h"

namespace stresshm {
namespace {

constexpr double kMaxSeq = 1e7;           // encodeHeartbeat replays stats from seq 0: bounded work
constexpr double kMaxDurationMs = 864e5;  // a day
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

std::shared_ptr<Registry> RegistryOf(Napi::Env env);

// A JavaScript Error carrying `code`, so TypeScript can tell an unusable endpoint (an
// environment error) from a spec it refuses (a usage error).
Napi::Error CodedError(Napi::Env env, const std::string& message, const char* code) {
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

FleetSpec SpecArg(const JsArgs& args, size_t i) {
  auto buf = args.Buffer(i, "spec");
  return ParseFleetSpec(buf.Data(), buf.Length());
}

Napi::Object ErrorsObject(Napi::Env env, const std::map<int, uint64_t>& errors) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& kv : errors) o.Set(std::to_string(kv.first), Napi::Number::New(env, static_cast<double>(kv.second)));
  return o;
}

class Fleet : public Napi::ObjectWrap<Fleet> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Fleet", {
      InstanceMethod("start", &Fleet::Start), InstanceMethod("stop", &Fleet::Stop),
      InstanceMethod("stats", &Fleet::Stats), InstanceMethod("history", &Fleet::History),
      InstanceMethod("maxPacketBytes", &Fleet::MaxPacketBytes),
    });
  }

  explicit Fleet(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Fleet>(info) {
    JsArgs args(info, "Fleet");
    runner_ = Guarded(info.Env(), [&] { return std::make_unique<FleetRunner>(SpecArg(args, 0)); });
    registry_ = RegistryOf(info.Env());
    registry_->Add(runner_.get());
  }

  ~Fleet() override { registry_->Remove(runner_.get()); }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    runner_->Start();
    return info.Env().Undefined();
  }
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    runner_->Stop();
    return info.Env().Undefined();
  }
  Napi::Value MaxPacketBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(runner_->MaxPacketBytes()));
  }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    FleetStats s = runner_->Stats();
    Napi::Object o = Napi::Object::New(env);
    o.Set("sent", static_cast<double>(s.sent));
    o.Set("bytes", static_cast<double>(s.bytes));
    o.Set("late", static_cast<double>(s.late));
    o.Set("errors", ErrorsObject(env, s.errors));
    o.Set("failure", s.failure);
    o.Set("lagP50Ms", s.lag_p50_ms);
    o.Set("lagP99Ms", s.lag_p99_ms);
    o.Set("lagMaxMs", s.lag_max_ms);
    o.Set("cpuSeconds", s.cpu_seconds);
    o.Set("threads", s.threads);
    o.Set("startedAtMs", s.started_at_ms);
    o.Set("elapsedMs", s.elapsed_ms);
    return o;
  }
  // history(times, seqs): fills two Float64Arrays of size() * depth (kept by the caller and
  // reused every poll, so a poll allocates nothing); returns the depth.
  Napi::Value History(const Napi::CallbackInfo& info) {
    JsArgs args(info, "history");
    auto times = args.Float64Array(0, "times");
    auto seqs = args.Float64Array(1, "seqs");
    size_t n = runner_->Size() * kHistoryDepth;
    if (times.ElementLength() != n || seqs.ElementLength() != n) {
      std::string what = "history: times and seqs must hold " + std::to_string(n) + " values each";
      throw Napi::RangeError::New(info.Env(), what);
    }
    runner_->History(times.Data(), seqs.Data());
    return Napi::Number::New(info.Env(), kHistoryDepth);
  }

  std::unique_ptr<FleetRunner> runner_;
  std::shared_ptr<Registry> registry_;
};

class BlastWorker : public Napi::AsyncWorker {
 public:
  BlastWorker(Napi::Env env, std::function<BlastResult()> fn)
      : Napi::AsyncWorker(env), fn_(std::move(fn)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      result_ = fn_();
    } catch (const EndpointError& e) {
      code_ = kEndpointCode;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("blast failed");
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    Napi::Array per = Napi::Array::New(env, result_.packets.size());
    for (size_t i = 0; i < result_.packets.size(); i++) per.Set(i, static_cast<double>(result_.packets[i]));
    o.Set("packetsPerThread", per);
    o.Set("seconds", result_.seconds);
    o.Set("bytes", static_cast<double>(result_.bytes));
    o.Set("packetBytes", static_cast<double>(result_.packet_bytes));
    o.Set("errors", ErrorsObject(env, result_.errors));
    o.Set("failure", result_.failure);
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override {
    if (code_) e.Value().Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(e.Value());
  }

 private:
  std::function<BlastResult()> fn_;
  Napi::Promise::Deferred deferred_;
  BlastResult result_;
  const char* code_ = nullptr;
};

class Sink : public Napi::ObjectWrap<Sink> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Sink", {
      InstanceMethod("port", &Sink::Port), InstanceMethod("stats", &Sink::Stats), InstanceMethod("stop", &Sink::Stop),
    });
  }
  explicit Sink(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Sink>(info) {
    JsArgs args(info, "Sink");
    std::string host = args.String(0, "host");
    int port = static_cast<int>(args.Integer(1, "port", 0, 65535));
    std::string key = args.String(2, "key");
    sink_ = Guarded(info.Env(), [&] { return std::make_unique<UdpSink>(host, port, key); });
    registry_ = RegistryOf(info.Env());
    registry_->Add(sink_.get());
  }
  ~Sink() override { registry_->Remove(sink_.get()); }

 private:
  Napi::Value Port(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), sink_->Port()); }
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    sink_->Stop();
    return info.Env().Undefined();
  }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("packets", static_cast<double>(sink_->Packets()));
    o.Set("valid", static_cast<double>(sink_->Valid()));
    o.Set("invalid", static_cast<double>(sink_->Invalid()));
    o.Set("bytes", static_cast<double>(sink_->Bytes()));
    o.Set("cpuSeconds", sink_->CpuSeconds());
    o.Set("failure", sink_->Failure());
    return o;
  }
  std::unique_ptr<UdpSink> sink_;
  std::shared_ptr<Registry> registry_;
};

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
      InstanceMethod("encodeHeartbeat", &Addon::EncodeHeartbeat),
      InstanceMethod("benchEncode", &Addon::BenchEncode),
      InstanceMethod("blast", &Addon::Blast),
      InstanceMethod("blastPayload", &Addon::BlastPayload),
      InstanceMethod("checkEndpoints", &Addon::CheckEndpoints),
      InstanceMethod("releaseMemory", &Addon::ReleaseMemory),
      InstanceMethod("deflate", &Addon::Deflate),
      InstanceValue("zlibVersion", Napi::String::New(env, DeflateVersion())),
      InstanceValue("historyDepth", Napi::Number::New(env, kHistoryDepth)),
      InstanceValue("Fleet", Fleet::Define(env)),
      InstanceValue("Sink", Sink::Define(env)),
    });
  }
  ~Addon() { registry_->StopAll(); }
  std::shared_ptr<Registry> registry() const { return registry_; }

 private:
  // encodeHeartbeat(spec, amphora, seq): the packet of amphora's heartbeat `seq` (from 0).
  Napi::Value EncodeHeartbeat(const Napi::CallbackInfo& info) {
    JsArgs args(info, "encodeHeartbeat");
    FleetSpec spec = Guarded(info.Env(), [&] { return SpecArg(args, 0); });
    auto amphora = static_cast<uint32_t>(args.Integer(1, "amphora", 0, static_cast<double>(spec.amphorae.size()) - 1));
    auto seq = static_cast<uint64_t>(args.Integer(2, "seq", 0, kMaxSeq));
    std::string packet = Guarded(info.Env(), [&] { return EncodeNth(spec, amphora, seq); });
    return Napi::Buffer<char>::Copy(info.Env(), packet.data(), packet.size());
  }

  // benchEncode(spec, amphora, count): encodes `count` consecutive heartbeats of one amphora;
  // returns the CPU seconds taken (the thread's own, so other load on the machine does not count).
  Napi::Value BenchEncode(const Napi::CallbackInfo& info) {
    JsArgs args(info, "benchEncode");
    FleetSpec spec = Guarded(info.Env(), [&] { return SpecArg(args, 0); });
    auto amphora = static_cast<uint32_t>(args.Integer(1, "amphora", 0, static_cast<double>(spec.amphorae.size()) - 1));
    auto count = static_cast<uint64_t>(args.Integer(2, "count", 1, 1e9));
    double secs = Guarded(info.Env(), [&] { return TimeEncoding(spec, amphora, count); });
    return Napi::Number::New(info.Env(), secs);
  }

  // blast(spec, durationMs): replays every amphora's first heartbeat as fast as possible.
  Napi::Value Blast(const Napi::CallbackInfo& info) {
    JsArgs args(info, "blast");
    FleetSpec spec = Guarded(info.Env(), [&] { return SpecArg(args, 0); });
    double ms = args.Number(1, "durationMs", 0, kMaxDurationMs);
    auto* w = new BlastWorker(info.Env(), [spec, ms] { return RunBlast(spec, ms); });
    w->Queue();
    return w->Promise();
  }

  // blastPayload(host, port, payloadBytes, threads, durationMs): one fixed payload (benchmarks).
  Napi::Value BlastPayload(const Napi::CallbackInfo& info) {
    JsArgs args(info, "blastPayload");
    std::string host = args.String(0, "host");
    int port = static_cast<int>(args.Integer(1, "port", 1, 65535));
    auto bytes = static_cast<size_t>(args.Integer(2, "payloadBytes", 1, 65507));
    int threads = static_cast<int>(args.Integer(3, "threads", 1, 256));
    double ms = args.Number(4, "durationMs", 0, kMaxDurationMs);
    Endpoint ep = Guarded(info.Env(), [&] { return ParseAddress(host, port, "blastPayload: host"); });
    auto* w = new BlastWorker(info.Env(), [ep, bytes, threads, ms] { return RunPayloadBlast(ep, bytes, threads, ms); });
    w->Queue();
    return w->Promise();
  }

  // checkEndpoints([{host, port}, ...]): opens and connects a socket per endpoint, as a
  // fleet does before its first send; throws (code ERR_STRESSHM_ENDPOINT) naming a bad one.
  Napi::Value CheckEndpoints(const Napi::CallbackInfo& info) {
    JsArgs args(info, "checkEndpoints");
    Napi::Array list = args.Array(0, "endpoints");
    std::vector<Endpoint> eps;
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Value v = list.Get(i);
      Napi::Value host = v.IsObject() ? v.As<Napi::Object>().Get("host") : info.Env().Undefined();
      Napi::Value port = v.IsObject() ? v.As<Napi::Object>().Get("port") : info.Env().Undefined();
      if (!host.IsString() || !port.IsNumber()) {
        std::string what = "checkEndpoints: endpoints[" + std::to_string(i) + "] must be {host: string, port: number}";
        throw Napi::TypeError::New(info.Env(), what);
      }
      std::string h = host.As<Napi::String>().Utf8Value();
      int p = port.As<Napi::Number>().Int32Value();
      eps.push_back(Guarded(info.Env(), [&] { return ParseAddress(h, p, "heartbeat endpoint"); }));
    }
    Guarded(info.Env(), [&] { EndpointSockets check(eps); return 0; });
    return info.Env().Undefined();
  }

  // deflate(data, level): zlib.compress(data, level) with the engine's own (the system) zlib.
  Napi::Value Deflate(const Napi::CallbackInfo& info) {
    JsArgs args(info, "deflate");
    auto data = args.Buffer(0, "data");
    int level = static_cast<int>(args.Integer(1, "level", 0, 9));
    std::string out;
    const char* bytes = reinterpret_cast<const char*>(data.Data());
    Guarded(info.Env(), [&] { DeflateInto(bytes, data.Length(), level, out); return 0; });
    return Napi::Buffer<char>::Copy(info.Env(), out.data(), out.size());
  }

  // Hands the C heap's free pages back to the system (after a large spec was parsed and freed).
  Napi::Value ReleaseMemory(const Napi::CallbackInfo& info) {
    malloc_trim(0);
    return info.Env().Undefined();
  }

  static std::string EncodeNth(const FleetSpec& spec, uint32_t amphora, uint64_t seq) {
    AmphoraCounters counters;
    std::vector<ListenerStats> stats;
    for (uint64_t s = 0; s < seq; s++) NextStats(spec, amphora, s, counters, stats);  // v1/v2 totals
    std::string packet;
    stresshm::EncodeHeartbeat(spec, amphora, seq, counters, packet);
    return packet;
  }

  static double TimeEncoding(const FleetSpec& spec, uint32_t amphora, uint64_t count) {
    AmphoraCounters counters;
    std::string packet;
    size_t bytes = 0;
    double t0 = ThreadCpuSeconds();
    for (uint64_t s = 0; s < count; s++) {
      stresshm::EncodeHeartbeat(spec, amphora, s, counters, packet);
      bytes += packet.size();
    }
    double secs = ThreadCpuSeconds() - t0;
    return bytes > 0 ? secs : 0;
  }

  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
};

std::shared_ptr<Registry> RegistryOf(Napi::Env env) { return env.GetInstanceData<Addon>()->registry(); }

}  // namespace
}  // namespace stresshm

using StresshmAddon = stresshm::Addon;
NODE_API_ADDON(StresshmAddon)
