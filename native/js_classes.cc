// Fleet, Sink and the blast worker (see js_classes.h).
#include "js_classes.h"

#include <memory>
#include <string>

#include "js_support.h"

namespace stresshm {
namespace {

// Marks FleetBuilder objects, so Fleet tells one from any other object (napi_type_tag).
constexpr napi_type_tag kBuilderTag = {0x7374726573736866ULL, 0x6c65657462756c64ULL};

// A fleet spec handed over in pieces: new FleetBuilder(header), add(chunk)..., then
// new Fleet(builder) takes the spec (the builder is empty afterwards).
class FleetBuilder : public Napi::ObjectWrap<FleetBuilder> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "FleetBuilder", {
      InstanceMethod("add", &FleetBuilder::Add), InstanceMethod("amphorae", &FleetBuilder::Amphorae),
    });
  }
  explicit FleetBuilder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FleetBuilder>(info) {
    JsArgs args(info, "FleetBuilder");
    auto buf = args.Buffer(0, "header");
    spec_ = std::make_unique<FleetSpec>(
        Guarded(info.Env(), [&] { return ParseFleetHeader(buf.Data(), buf.Length()); }));
    NAPI_THROW_IF_FAILED_VOID(info.Env(), napi_type_tag_object(info.Env(), info.This(), &kBuilderTag));
  }
  static bool Is(Napi::Env env, Napi::Value v) {
    bool tagged = false;
    return v.IsObject() && napi_check_object_type_tag(env, v, &kBuilderTag, &tagged) == napi_ok && tagged;
  }
  // The spec, once: a builder builds one fleet.
  FleetSpec Take(Napi::Env env) {
    if (!spec_) throw Napi::Error::New(env, "FleetBuilder: this builder's fleet was already built");
    FleetSpec s = std::move(*spec_);
    spec_.reset();
    return s;
  }

 private:
  FleetSpec& Spec(Napi::Env env) {
    if (!spec_) throw Napi::Error::New(env, "FleetBuilder: this builder's fleet was already built");
    return *spec_;
  }
  Napi::Value Add(const Napi::CallbackInfo& info) {
    JsArgs args(info, "add");
    auto buf = args.Buffer(0, "chunk");
    FleetSpec& s = Spec(info.Env());
    Guarded(info.Env(), [&] { AppendFleetChunk(s, buf.Data(), buf.Length()); return 0; });
    return info.Env().Undefined();
  }
  Napi::Value Amphorae(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(Spec(info.Env()).amphorae.size()));
  }
  std::unique_ptr<FleetSpec> spec_;
};

}  // namespace

// A msgpack Buffer of the whole spec, or a FleetBuilder that was handed it (its spec is taken).
FleetSpec SpecOrBuilderArg(const Napi::CallbackInfo& info, const char* fn) {
  if (info.Length() > 0 && FleetBuilder::Is(info.Env(), info[0])) {
    return FleetBuilder::Unwrap(info[0].As<Napi::Object>())->Take(info.Env());
  }
  if (info.Length() > 0 && !info[0].IsBuffer()) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": spec must be a Buffer or a FleetBuilder");
  }
  JsArgs args(info, fn);
  return Guarded(info.Env(), [&] { return SpecArg(args, 0); });
}

namespace {

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
    FleetSpec spec = SpecOrBuilderArg(info, "Fleet");
    runner_ = Guarded(info.Env(), [&] { return std::make_unique<FleetRunner>(std::move(spec)); });
    registration_ = std::make_unique<Registration<FleetRunner>>(info.Env(), runner_.get());
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
    o.Set("failure", s.failure);
    o.Set("lagP50Ms", s.lag_p50_ms);
    o.Set("lagP99Ms", s.lag_p99_ms);
    o.Set("lagMaxMs", s.lag_max_ms);
    o.Set("cpuSeconds", s.cpu_seconds);
    o.Set("threads", s.threads);
    o.Set("startedAtMs", s.started_at_ms);
    o.Set("elapsedMs", s.elapsed_ms);
    o.Set("due", static_cast<double>(s.due));
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
  std::unique_ptr<Registration<FleetRunner>> registration_;  // after runner_: destroyed first
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
    o.Set("encodedLive", result_.live);
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
    registration_ = std::make_unique<Registration<UdpSink>>(info.Env(), sink_.get());
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
    o.Set("failure", sink_->Failure());
    return o;
  }
  std::unique_ptr<UdpSink> sink_;
  std::unique_ptr<Registration<UdpSink>> registration_;  // after sink_: destroyed first
};

}  // namespace

Napi::Function DefineFleet(Napi::Env env) { return Fleet::Define(env); }

Napi::Function DefineFleetBuilder(Napi::Env env) { return FleetBuilder::Define(env); }

Napi::Function DefineSink(Napi::Env env) { return Sink::Define(env); }

Napi::Promise QueueBlast(Napi::Env env, std::function<BlastResult()> fn) {
  auto* w = new BlastWorker(env, std::move(fn));
  w->Queue();
  return w->Promise();
}

}  // namespace stresshm
