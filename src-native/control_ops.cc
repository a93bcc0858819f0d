// Starting services and sending them controls.
#include <string>
#include <vector>
#include "args.h"
#include "control_request.h"
#include "operations.h"
#include "scm_access.h"

namespace {

class StartServiceOp {
 public:
  explicit StartServiceOp(const Napi::CallbackInfo& info) {
    const char* usage = "startService(system, database, name, args)";
    mTarget = ReadServiceTarget(info, usage);
    mArgs = Args(info, usage).StringArray(3);
  }
  void Execute() {
    ScHandle service = OpenTargetService(mTarget, SERVICE_START);
    DWORD error = StartWithArgs(service.Get(), mArgs);
    if (error != ERROR_SUCCESS) ThrowWin32(error, "StartServiceW");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  ServiceTarget mTarget;
  std::vector<std::wstring> mArgs;
};

// ControlServiceExW / ControlService (control_request.cc). A refused control keeps the service's
// status (re-read) and attaches it to the error as `lastStatus`.
class ControlServiceOp {
 public:
  explicit ControlServiceOp(const Napi::CallbackInfo& info) {
    const char* usage = "controlService(system, database, name, control)";
    mTarget = ReadServiceTarget(info, usage);
    mControl = Args(info, usage).Uint32(3);
  }
  void Execute() {
    // SERVICE_QUERY_STATUS too: a refused control is answered with the service's status, read
    // here rather than trusted from the failed call (Wine leaves it unfilled for some errors).
    ScHandle service = OpenTargetService(mTarget, AccessForControl(mControl) | SERVICE_QUERY_STATUS);
    mAnswer = SendControl(service.Get(), mControl);
    if (mAnswer.failure.Failed()) throw Win32Exception{mAnswer.failure};
    // ControlService's SERVICE_STATUS has no pid or flags: read the full status, so callers such
    // as interrogateService get the same record either way.
    CompleteStatus(service.Get(), mAnswer);
  }
  Napi::Value Result(Napi::Env env) { return StatusToJs(env, mAnswer.status); }
  void DecorateError(Napi::Env env, Napi::Error& error) {
    if (mAnswer.hasStatus) error.Set("lastStatus", StatusToJs(env, mAnswer.status));
  }

 private:
  ServiceTarget mTarget;
  DWORD mControl = 0;
  ControlAnswer mAnswer;
};

}  // namespace

void RegisterControlOps(Napi::Env env, Napi::Object exports) {
  RegisterOp<StartServiceOp>(env, exports, "startService");
  RegisterOp<ControlServiceOp>(env, exports, "controlService");
}
