// Starting services and sending them controls.
#include <optional>
#include <string>
#include <vector>
#include "args.h"
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
    std::vector<const wchar_t*> argv;
    for (const auto& arg : mArgs) argv.push_back(arg.c_str());
    if (!StartServiceW(service.Get(), static_cast<DWORD>(argv.size()), argv.empty() ? nullptr : argv.data())) {
      ThrowLastError("StartServiceW");
    }
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  ServiceTarget mTarget;
  std::vector<std::wstring> mArgs;
};

// The access right each control needs (ControlService's documented table).
DWORD AccessForControl(DWORD control) {
  switch (control) {
    case SERVICE_CONTROL_STOP: return SERVICE_STOP;
    case SERVICE_CONTROL_PAUSE:
    case SERVICE_CONTROL_CONTINUE:
    case SERVICE_CONTROL_PARAMCHANGE:
    case SERVICE_CONTROL_NETBINDADD:
    case SERVICE_CONTROL_NETBINDREMOVE:
    case SERVICE_CONTROL_NETBINDENABLE:
    case SERVICE_CONTROL_NETBINDDISABLE: return SERVICE_PAUSE_CONTINUE;
    case SERVICE_CONTROL_INTERROGATE: return SERVICE_INTERROGATE;
    default: return SERVICE_USER_DEFINED_CONTROL;
  }
}

using ControlServiceExFn = BOOL(WINAPI*)(SC_HANDLE, DWORD, DWORD, PVOID);

// Wine 8's advapi32 does not export ControlServiceExW, and a static import of a missing export
// aborts the whole process at load time: resolve it at run time and fall back to ControlService.
ControlServiceExFn ResolveControlServiceEx() {
  static ControlServiceExFn fn = []() -> ControlServiceExFn {
    HMODULE advapi = GetModuleHandleW(L"advapi32.dll");
    if (advapi == nullptr) return nullptr;
    return reinterpret_cast<ControlServiceExFn>(GetProcAddress(advapi, "ControlServiceExW"));
  }();
  return fn;
}

// ControlServiceExW / ControlService. For ERROR_INVALID_SERVICE_CONTROL,
// ERROR_SERVICE_CANNOT_ACCEPT_CTRL and ERROR_SERVICE_NOT_ACTIVE the SCM still fills in the service's
// current status: it is kept and attached to the error as `lastStatus`.
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
    BOOL ok;
    const char* syscall;
    if (ControlServiceExFn controlEx = ResolveControlServiceEx()) {
      SERVICE_CONTROL_STATUS_REASON_PARAMSW params{};
      params.dwReason = SERVICE_STOP_REASON_FLAG_PLANNED | SERVICE_STOP_REASON_MAJOR_OTHER |
                        SERVICE_STOP_REASON_MINOR_OTHER;
      syscall = "ControlServiceExW";
      ok = controlEx(service.Get(), mControl, SERVICE_CONTROL_STATUS_REASON_INFO, &params);
      mStatus = params.ServiceStatus;
    } else {
      SERVICE_STATUS status{};
      syscall = "ControlService";
      ok = ControlService(service.Get(), mControl, &status);
      mStatus = SERVICE_STATUS_PROCESS{status.dwServiceType, status.dwCurrentState, status.dwControlsAccepted,
                                       status.dwWin32ExitCode, status.dwServiceSpecificExitCode,
                                       status.dwCheckPoint, status.dwWaitHint, 0, 0};
    }
    if (!ok) {
      DWORD error = GetLastError();
      if (error == ERROR_INVALID_SERVICE_CONTROL || error == ERROR_SERVICE_CANNOT_ACCEPT_CTRL ||
          error == ERROR_SERVICE_NOT_ACTIVE) {
        SERVICE_STATUS_PROCESS current{};
        DWORD needed = 0;
        mHasStatus = QueryServiceStatusEx(service.Get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&current),
                                          sizeof(current), &needed) != FALSE;
        if (mHasStatus) mStatus = current;
      }
      ThrowWin32(error, syscall);
    }
    // ControlService's SERVICE_STATUS has no pid or flags: read the full status (the handle has
    // SERVICE_QUERY_STATUS), so callers such as interrogateService get the same record either way.
    if (std::string(syscall) == "ControlService") {
      SERVICE_STATUS_PROCESS full{};
      DWORD needed = 0;
      if (QueryServiceStatusEx(service.Get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&full), sizeof(full),
                               &needed)) {
        mStatus = full;
      }
    }
    mHasStatus = true;
  }
  Napi::Value Result(Napi::Env env) { return StatusToJs(env, mStatus); }
  void DecorateError(Napi::Env env, Napi::Error& error) {
    if (mHasStatus) error.Set("lastStatus", StatusToJs(env, mStatus));
  }

 private:
  ServiceTarget mTarget;
  DWORD mControl = 0;
  SERVICE_STATUS_PROCESS mStatus{};
  bool mHasStatus = false;
};

}  // namespace

void RegisterControlOps(Napi::Env env, Napi::Object exports) {
  RegisterOp<StartServiceOp>(env, exports, "startService");
  RegisterOp<ControlServiceOp>(env, exports, "controlService");
  exports.Set("hasControlServiceEx", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Boolean::New(info.Env(), ResolveControlServiceEx() != nullptr);
              }));
}
