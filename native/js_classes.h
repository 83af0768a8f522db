// The JavaScript classes and the promise the addon hands out: Fleet (a running fleet),
// FleetBuilder (a fleet spec handed over in chunks), Sink (a loopback receiver that checks
// signatures) and a blast run on a worker thread.
#pragma once
#include <napi.h>

#include <functional>

#include "blast.h"
#include "fleet_spec.h"

namespace stresshm {

Napi::Function DefineFleet(Napi::Env env);
Napi::Function DefineFleetBuilder(Napi::Env env);
// Argument 0 of `fn`: a msgpack Buffer of the whole spec, or a FleetBuilder (its spec is taken).
FleetSpec SpecOrBuilderArg(const Napi::CallbackInfo& info, const char* fn);
Napi::Function DefineSink(Napi::Env env);
// Runs `fn` on a worker thread; the promise resolves with its result as a JavaScript object.
Napi::Promise QueueBlast(Napi::Env env, std::function<BlastResult()> fn);

}  // namespace stresshm
