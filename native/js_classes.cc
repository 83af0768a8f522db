// Fleet, Sink and the blast worker (see js_classes.h).
#include "js_classes.h"

#include <memory>
#include <string>

#include "js_support.h"

namespace stresshm {
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
    JsArgs args(info, "Fleet");
    runner_ = Guarded(info.Env(), [&] { return std::make_unique<FleetRunner>(SpecArg(args, 0)); });
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

Napi::Function DefineSink(Napi::Env env) { return Sink::Define(env); }

Napi::Promise QueueBlast(Napi::Env env, std::function<BlastResult()> fn) {
  auto* w = new BlastWorker(env, std::move(fn));
  w->Queue();
  return w->Promise();
}

}  // namespace stresshm
