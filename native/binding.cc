// N-API bindings (node-addon-api): JavaScript hands a fleet over once as a msgpack Buffer,
// starts and stops it, and reads counters and send history; it never sees a packet. State
// is per environment (Napi::Addon): the fleets and sinks of an environment stop with it.
#include <malloc.h>
#include <napi.h>

#include <memory>
#include <utility>

#include "address.h"
#include "blast.h"
#include "clocks.h"
#include "encode_bench.h"
#include "fleet_spec.h"
#include "heartbeat_encoder.h"
#include "js_args.h"
#include "js_classes.h"
#include "js_support.h"
#include "sender_threads.h"
#include "synthetic_fleet.h"

namespace stresshm {
namespace {

constexpr double kMaxSeq = 1e7;           // encodeHeartbeat replays stats from seq 0: bounded work
constexpr double kMaxDurationMs = 864e5;  // a day
constexpr double kMaxSynthetic = 1e9;     // amphorae of a synthetic fleet (ids have 12 hex digits)
constexpr double kMaxMembers = 65535;     // members per synthetic pool (as [test_params] members)

// The arguments (spec, amphora, n) of the bindings that encode one amphora's heartbeats.
struct AmphoraCall {
  FleetSpec spec;
  uint32_t amphora;
  uint64_t n;
};

// `n` is named `n_name` and must lie within [n_min, n_max]; `amphora` is one of the spec's.
AmphoraCall AmphoraArgs(const Napi::CallbackInfo& info, const char* fn, const char* n_name, double n_min,
                        double n_max) {
  JsArgs args(info, fn);
  AmphoraCall call{Guarded(info.Env(), [&] { return SpecArg(args, 0); }), 0, 0};
  double last = static_cast<double>(call.spec.amphorae.size()) - 1;
  call.amphora = static_cast<uint32_t>(args.Integer(1, "amphora", 0, last));
  call.n = static_cast<uint64_t>(args.Integer(2, n_name, n_min, n_max));
  return call;
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
      InstanceMethod("encodeHeartbeat", &Addon::EncodeHeartbeat),
      InstanceMethod("benchEncode", &Addon::BenchEncode),
      InstanceMethod("blast", &Addon::Blast),
      InstanceMethod("blastSynthetic", &Addon::BlastSynthetic),
      InstanceMethod("encodeSynthetic", &Addon::EncodeSynthetic),
      InstanceMethod("blastPayload", &Addon::BlastPayload),
      InstanceMethod("checkEndpoints", &Addon::CheckEndpoints),
      InstanceMethod("releaseMemory", &Addon::ReleaseMemory),
      InstanceMethod("deflate", &Addon::Deflate),
      InstanceMethod("dueWithin", &Addon::Due),
      InstanceValue("zlibVersion", Napi::String::New(env, DeflateVersion())),
      InstanceValue("historyDepth", Napi::Number::New(env, kHistoryDepth)),
      InstanceValue("blastReplayPackets", Napi::Number::New(env, static_cast<double>(kReplayPackets))),
      InstanceValue("Fleet", DefineFleet(env)),
      InstanceValue("FleetBuilder", DefineFleetBuilder(env)),
      InstanceValue("Sink", DefineSink(env)),
    });
  }
  ~Addon() { registry_->StopAll(); }
  std::shared_ptr<Registry> registry() const { return registry_; }

 private:
  // encodeHeartbeat(spec, amphora, seq): the packet of amphora's heartbeat `seq` (from 0).
  Napi::Value EncodeHeartbeat(const Napi::CallbackInfo& info) {
    AmphoraCall c = AmphoraArgs(info, "encodeHeartbeat", "seq", 0, kMaxSeq);
    std::string packet = Guarded(info.Env(), [&] { return EncodeNth(c.spec, c.amphora, c.n); });
    return Napi::Buffer<char>::Copy(info.Env(), packet.data(), packet.size());
  }

  // benchEncode(spec, amphora, count): encodes `count` consecutive heartbeats of one amphora,
  // whole and stage by stage, in 10 batches; CPU seconds per heartbeat (the thread's own, so
  // other load on the machine counts less) and the allocations counted by bench/c/malloc_count.c.
  Napi::Value BenchEncode(const Napi::CallbackInfo& info) {
    AmphoraCall c = AmphoraArgs(info, "benchEncode", "count", 10, 1e9);
    EncodeTimes t = Guarded(info.Env(), [&] { return TimeEncoding(c.spec, c.amphora, c.n, 10); });
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    const std::pair<const char*, const StageTime*> stages[] = {
        {"total", &t.total}, {"json", &t.json}, {"deflate", &t.deflate}, {"hmac", &t.hmac}};
    for (const auto& [name, time] : stages) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("best", time->best);
      o.Set("median", time->median);
      out.Set(name, o);
    }
    out.Set("allocs", Napi::Number::New(env, static_cast<double>(t.allocs)));
    out.Set("heartbeats", Napi::Number::New(env, static_cast<double>(t.heartbeats)));
    return out;
  }

  // blast(spec, durationMs): replays every amphora's first heartbeat as fast as possible.
  Napi::Value Blast(const Napi::CallbackInfo& info) {
    JsArgs args(info, "blast");
    double ms = args.Number(1, "durationMs", 0, kMaxDurationMs);
    auto spec = std::make_shared<FleetSpec>(SpecOrBuilderArg(info, "blast"));
    return QueueBlast(info.Env(), [spec, ms] { return RunBlast(*spec, ms); });
  }

  // blastSynthetic(header, amphorae, members, durationMs): blast() of a synthetic fleet
  // (synthetic_fleet.h) generated natively, so memory stays flat at any size.
  Napi::Value BlastSynthetic(const Napi::CallbackInfo& info) {
    JsArgs args(info, "blastSynthetic");
    auto n = static_cast<uint64_t>(args.Integer(1, "amphorae", 1, kMaxSynthetic));
    auto members = static_cast<uint32_t>(args.Integer(2, "members", 0, kMaxMembers));
    double ms = args.Number(3, "durationMs", 0, kMaxDurationMs);
    auto settings = std::make_shared<FleetSpec>(Guarded(info.Env(), [&] { return HeaderArg(args, 0); }));
    return QueueBlast(info.Env(), [settings, n, members, ms] { return RunSyntheticBlast(*settings, n, members, ms); });
  }

  // encodeSynthetic(header, amphorae, members, amphora): the first heartbeat of a synthetic
  // fleet's amphora, as blastSynthetic sends it (tests compare it with the handed-over fleet's).
  Napi::Value EncodeSynthetic(const Napi::CallbackInfo& info) {
    JsArgs args(info, "encodeSynthetic");
    auto n = static_cast<uint64_t>(args.Integer(1, "amphorae", 1, kMaxSynthetic));
    auto members = static_cast<uint32_t>(args.Integer(2, "members", 0, kMaxMembers));
    auto amphora = static_cast<uint64_t>(args.Integer(3, "amphora", 0, static_cast<double>(n) - 1));
    std::string packet = Guarded(info.Env(), [&] {
      SyntheticWindow window(HeaderArg(args, 0), n, members);
      window.MoveTo(amphora);
      return EncodeNth(window.spec(), 0, 0);
    });
    return Napi::Buffer<char>::Copy(info.Env(), packet.data(), packet.size());
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
    return QueueBlast(info.Env(), [ep, bytes, threads, ms] { return RunPayloadBlast(ep, bytes, threads, ms); });
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

  // dueWithin(amphorae, intervalMs, burst, elapsedMs): the heartbeats a fleet's schedule makes
  // due within elapsedMs of its start (FleetStats.due), for tests against an enumeration.
  Napi::Value Due(const Napi::CallbackInfo& info) {
    JsArgs args(info, "dueWithin");
    auto n = static_cast<size_t>(args.Integer(0, "amphorae", 0, 1e9));
    double interval = args.Number(1, "intervalMs", 1e-3, 1e12);
    bool burst = args.Bool(2, "burst");
    double elapsed = args.Number(3, "elapsedMs", 0, 1e15);
    return Napi::Number::New(info.Env(), static_cast<double>(DueWithin(n, interval, burst, elapsed)));
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

  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
};

}  // namespace

std::shared_ptr<Registry> RegistryOf(Napi::Env env) { return env.GetInstanceData<Addon>()->registry(); }
}  // namespace stresshm

using StresshmAddon = stresshm::Addon;
NODE_API_ADDON(StresshmAddon)
