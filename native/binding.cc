// N-API bindings (node-addon-api): JavaScript hands a fleet over once as a msgpack Buffer,
// starts and stops it, and reads counters and send history; it never sees a packet.
#include <arpa/inet.h>
#include <malloc.h>
#include <napi.h>

#include <functional>

#include <memory>
#include <mutex>
#include <set>

#include "fleet_spec.h"
#include "heartbeat_encoder.h"
#include "sender_threads.h"
#include "udp_sink.h"

namespace stresshm {
namespace {

// Everything running, so threads stop when the environment shuts down.
std::mutex g_mu;
std::set<FleetRunner*> g_fleets;
std::set<UdpSink*> g_sinks;

void StopAll(void*) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto* f : g_fleets) f->Stop();
  for (auto* s : g_sinks) s->Stop();
}

FleetSpec SpecArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsBuffer()) throw Napi::TypeError::New(info.Env(), "fleet spec must be a Buffer");
  auto buf = info[i].As<Napi::Buffer<uint8_t>>();
  try {
    return ParseFleetSpec(buf.Data(), buf.Length());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

Napi::Object ErrorsObject(Napi::Env env, const std::map<int, uint64_t>& errors) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& kv : errors) o.Set(std::to_string(kv.first), Napi::Number::New(env, static_cast<double>(kv.second)));
  return o;
}

// Hands the C heap's free pages back to the system (after a large spec was parsed and freed).
Napi::Value ReleaseMemory(const Napi::CallbackInfo& info) {
  malloc_trim(0);
  return info.Env().Undefined();
}

Napi::Value EncodeHeartbeat(const Napi::CallbackInfo& info) {
  FleetSpec spec = SpecArg(info, 0);
  uint32_t amphora = info[1].As<Napi::Number>().Uint32Value();
  uint64_t seq = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  if (amphora >= spec.amphorae.size() || seq < 1) throw Napi::RangeError::New(info.Env(), "amphora or seq out of range");
  AmphoraCounters counters;
  std::vector<ListenerStats> stats;
  for (uint64_t s = 1; s <= seq; s++) stats = NextStats(spec, amphora, s, counters);
  std::string json = BuildMessageJson(spec, amphora, seq, seq - 1, stats);
  std::string packet = WrapEnvelope(json, spec.key, spec.legacy_digest, spec.zlib_level);
  return Napi::Buffer<char>::Copy(info.Env(), packet.data(), packet.size());
}

// Benchmark: encodes `count` consecutive heartbeats of one amphora; returns seconds taken.
Napi::Value BenchEncode(const Napi::CallbackInfo& info) {
  FleetSpec spec = SpecArg(info, 0);
  uint32_t amphora = info[1].As<Napi::Number>().Uint32Value();
  uint64_t count = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  if (amphora >= spec.amphorae.size()) throw Napi::RangeError::New(info.Env(), "amphora out of range");
  AmphoraCounters counters;
  size_t bytes = 0;
  double t0 = MonoMs();
  for (uint64_t s = 1; s <= count; s++) {
    auto stats = NextStats(spec, amphora, s, counters);
    bytes += WrapEnvelope(BuildMessageJson(spec, amphora, s, s - 1, stats), spec.key, spec.legacy_digest, spec.zlib_level).size();
  }
  double secs = (MonoMs() - t0) / 1000;
  return Napi::Number::New(info.Env(), bytes > 0 ? secs : 0);
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
    FleetSpec spec = SpecArg(info, 0);
    try {
      runner_.reset(new FleetRunner(std::move(spec)));
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    std::lock_guard<std::mutex> lock(g_mu);
    g_fleets.insert(runner_.get());
  }

  ~Fleet() override {
    std::lock_guard<std::mutex> lock(g_mu);
    g_fleets.erase(runner_.get());
  }

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
    Napi::Env env = info.Env();
    size_t n = runner_->Size() * kHistoryDepth;
    if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsTypedArray()) throw Napi::TypeError::New(env, "history(times, seqs)");
    auto times = info[0].As<Napi::Float64Array>();
    auto seqs = info[1].As<Napi::Float64Array>();
    if (times.ElementLength() != n || seqs.ElementLength() != n) throw Napi::RangeError::New(env, "history arrays must hold size() * depth values");
    runner_->History(times.Data(), seqs.Data());
    return Napi::Number::New(env, kHistoryDepth);
  }

  std::unique_ptr<FleetRunner> runner_;
};

class BlastWorker : public Napi::AsyncWorker {
 public:
  BlastWorker(Napi::Env env, std::function<BlastResult()> fn)
      : Napi::AsyncWorker(env), fn_(std::move(fn)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      result_ = fn_();
    } catch (const std::exception& e) {
      SetError(e.what());
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
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::function<BlastResult()> fn_;
  Napi::Promise::Deferred deferred_;
  BlastResult result_;
};

Napi::Value Blast(const Napi::CallbackInfo& info) {
  FleetSpec spec = SpecArg(info, 0);
  double ms = info[1].As<Napi::Number>().DoubleValue();
  auto* w = new BlastWorker(info.Env(), [spec, ms] { return RunBlast(spec, ms); });
  w->Queue();
  return w->Promise();
}

Napi::Value BlastPayload(const Napi::CallbackInfo& info) {
  // (host, port, payloadBytes, threads, durationMs)
  std::string host = info[0].As<Napi::String>().Utf8Value();
  int port = info[1].As<Napi::Number>().Int32Value();
  size_t bytes = info[2].As<Napi::Number>().Uint32Value();
  int threads = info[3].As<Napi::Number>().Int32Value();
  double ms = info[4].As<Napi::Number>().DoubleValue();
  Endpoint ep;
  auto* a4 = reinterpret_cast<sockaddr_in*>(&ep.addr);
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&ep.addr);
  if (inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET; a4->sin_port = htons(port); ep.len = sizeof(*a4); ep.family = AF_INET;
  } else if (inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6; a6->sin6_port = htons(port); ep.len = sizeof(*a6); ep.family = AF_INET6;
  } else {
    throw Napi::Error::New(info.Env(), "host is not an IP address");
  }
  auto* w = new BlastWorker(info.Env(), [ep, bytes, threads, ms] { return RunPayloadBlast(ep, bytes, threads, ms); });
  w->Queue();
  return w->Promise();
}

class Sink : public Napi::ObjectWrap<Sink> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Sink", {
      InstanceMethod("port", &Sink::Port), InstanceMethod("stats", &Sink::Stats), InstanceMethod("stop", &Sink::Stop),
    });
  }
  explicit Sink(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Sink>(info) {
    std::string host = info[0].As<Napi::String>().Utf8Value();
    int port = info[1].As<Napi::Number>().Int32Value();
    std::string key = info[2].As<Napi::String>().Utf8Value();
    try {
      sink_.reset(new UdpSink(host, port, key));
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    std::lock_guard<std::mutex> lock(g_mu);
    g_sinks.insert(sink_.get());
  }
  ~Sink() override {
    std::lock_guard<std::mutex> lock(g_mu);
    g_sinks.erase(sink_.get());
  }

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
    return o;
  }
  std::unique_ptr<UdpSink> sink_;
};

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("encodeHeartbeat", Napi::Function::New(env, EncodeHeartbeat));
  exports.Set("blast", Napi::Function::New(env, Blast));
  exports.Set("benchEncode", Napi::Function::New(env, BenchEncode));
  exports.Set("blastPayload", Napi::Function::New(env, BlastPayload));
  exports.Set("releaseMemory", Napi::Function::New(env, ReleaseMemory));
  exports.Set("historyDepth", Napi::Number::New(env, kHistoryDepth));
  exports.Set("Fleet", Fleet::Define(env));
  exports.Set("Sink", Sink::Define(env));
  napi_add_env_cleanup_hook(env, StopAll, nullptr);
  return exports;
}

}  // namespace stresshm

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return stresshm::Init(env, exports); }

NODE_API_MODULE(stresshm_native, InitModule)
