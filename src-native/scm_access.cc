#include "scm_access.h"
#include "args.h"
#include "privilege.h"
#include "win32_error.h"

namespace {

// One SC_MANAGER_CONNECT handle to the local SCM's active database, opened once and kept for the
// life of the process (null if that open failed: callers then open their own and report its error).
//   - Speed: opening a service by name through it saves an OpenSCManagerW and a CloseServiceHandle
//     per call, two of the five RPCs of a status query (bench/RESULTS.md, section B). Go's mgr and
//     Rust's ServiceManager likewise keep one manager handle for many calls.
//   - Wine only: Wine's rpcrt4 gives a client association its server association group only when
//     the association's first connection is released, and drops the association when its last
//     binding goes. SCM calls that open connections at the same time before that (several waits
//     started at once in a fresh process) land in different server groups, where one group's
//     context handles are unknown to the other: ERROR_INVALID_HANDLE, or
//     NotifyServiceStatusChangeW never returning. This handle, opened alone before any other SCM
//     call (OpenManager opens it first under Wine), keeps the association and its group.
SC_HANDLE LocalManager() {
  static SC_HANDLE handle = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);  // never closed
  return handle;
}

}  // namespace

bool UnderWine() {
  // Wine's ntdll exports wine_get_version; Windows' never does.
  static const bool wine = [] {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
  }();
  return wine;
}

ManagerTarget ReadManagerTarget(const Napi::CallbackInfo& info, const char* usage) {
  Args args(info, usage);
  return ManagerTarget{args.OptString(0), args.OptString(1)};
}

ServiceTarget ReadServiceTarget(const Napi::CallbackInfo& info, const char* usage) {
  Args args(info, usage);
  return ServiceTarget{args.OptString(0), args.OptString(1), args.String(2)};
}

ScHandle OpenManager(const OptionalWide& system, const OptionalWide& database, DWORD access) {
  if (UnderWine()) LocalManager();
  ScHandle manager(OpenSCManagerW(PtrOrNull(system), PtrOrNull(database), access));
  if (!manager) ThrowLastError("OpenSCManagerW");
  return manager;
}

ScHandle OpenServiceHandle(SC_HANDLE manager, const std::wstring& name, DWORD access) {
  ScHandle service(OpenServiceW(manager, name.c_str(), access));
  if (!service) ThrowLastError("OpenServiceW");
  return service;
}

ConnectManager::ConnectManager(const OptionalWide& system, const OptionalWide& database) {
  // The SCM checks access against the token of the call that opened the manager: a thread that
  // impersonates to enable a privilege (ScopedPrivilege) needs a manager opened with that token.
  if (!system && !database && !ScopedPrivilege::ActiveOnThisThread()) mShared = LocalManager();
  if (mShared == nullptr) mOwned = OpenManager(system, database, SC_MANAGER_CONNECT);
}

bool ConnectManager::ReplaceDeadShared() {
  if (mShared == nullptr || GetLastError() != ERROR_INVALID_HANDLE) return false;
  mShared = nullptr;
  mOwned = OpenManager(OptionalWide(), OptionalWide(), SC_MANAGER_CONNECT);
  return true;
}

ScHandle OpenTargetService(const ServiceTarget& target, DWORD access) {
  ConnectManager manager(target.system, target.database);
  ScHandle service(OpenServiceW(manager.Get(), target.name.c_str(), access));
  if (!service && manager.ReplaceDeadShared()) service = ScHandle(OpenServiceW(manager.Get(), target.name.c_str(), access));
  if (!service) ThrowLastError("OpenServiceW");
  return service;
}

SERVICE_STATUS_PROCESS QueryStatus(SC_HANDLE service) {
  SERVICE_STATUS_PROCESS status{};
  if (!TryQueryStatus(service, status)) ThrowLastError("QueryServiceStatusEx");
  return status;
}

bool TryQueryStatus(SC_HANDLE service, SERVICE_STATUS_PROCESS& out) {
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status),
                            &needed)) {
    return false;
  }
  out = status;
  return true;
}

SERVICE_STATUS_PROCESS ToStatusProcess(const SERVICE_STATUS& status) {
  return SERVICE_STATUS_PROCESS{status.dwServiceType,   status.dwCurrentState,          status.dwControlsAccepted,
                                status.dwWin32ExitCode, status.dwServiceSpecificExitCode, status.dwCheckPoint,
                                status.dwWaitHint,      0,                               0};
}

Napi::Object StatusToJs(Napi::Env env, const SERVICE_STATUS_PROCESS& status) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("serviceType", static_cast<double>(status.dwServiceType));
  out.Set("currentState", static_cast<double>(status.dwCurrentState));
  out.Set("controlsAccepted", static_cast<double>(status.dwControlsAccepted));
  out.Set("win32ExitCode", static_cast<double>(status.dwWin32ExitCode));
  out.Set("serviceSpecificExitCode", static_cast<double>(status.dwServiceSpecificExitCode));
  out.Set("checkPoint", static_cast<double>(status.dwCheckPoint));
  out.Set("waitHint", static_cast<double>(status.dwWaitHint));
  out.Set("processId", static_cast<double>(status.dwProcessId));
  out.Set("serviceFlags", static_cast<double>(status.dwServiceFlags));
  return out;
}
