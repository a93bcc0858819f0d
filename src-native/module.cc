// Addon entry point. The native surface is deliberately thin: each function is one Win32 sequence
// with least-privilege access, raw numbers in and out; names, tokens, defaults and validation
// live in the TypeScript layer (lib/).
#include <napi.h>
#include "notify_thread.h"
#include "operations.h"
#include "scm_access.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitNotifyRegistry(env);
  RegisterWaitPoolStats(env, exports);
  RegisterStatusOps(env, exports);
  RegisterLifecycleOps(env, exports);
  RegisterControlOps(env, exports);
  RegisterStatusWait(env, exports);
  RegisterServiceWatch(env, exports);
  RegisterCommandLine(env, exports);
  RegisterServiceDispatcher(env, exports);
  RegisterProcessInfo(env, exports);
  RegisterProcessTable(env, exports);
  RegisterEventLog(env, exports);
  RegisterConfigOps(env, exports);
  RegisterSecurityOps(env, exports);
  RegisterServiceParameters(env, exports);
  RegisterJobObject(env, exports);
  RegisterConsoleControl(env, exports);
  RegisterProcessAffinity(env, exports);
  RegisterAccountRights(env, exports);
  RegisterFileSecurity(env, exports);
  RegisterRegistrySecurity(env, exports);
  // Lets the TypeScript layer skip comparisons Wine's SCM cannot answer (docs/wine.md).
  exports.Set("underWine", Napi::Boolean::New(env, UnderWine()));
  return exports;
}

}  // namespace

NODE_API_MODULE(scm_native, Init)
