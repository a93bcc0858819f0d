#include "control_request.h"
#include "scm_access.h"

namespace {

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

}  // namespace

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

DWORD StartWithArgs(SC_HANDLE service, const std::vector<std::wstring>& args) {
  std::vector<const wchar_t*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  // The return value is computed before `argv` is destroyed: GetLastError() is StartServiceW's.
  return StartServiceW(service, static_cast<DWORD>(argv.size()), argv.empty() ? nullptr : argv.data())
             ? ERROR_SUCCESS
             : GetLastError();
}

ControlAnswer SendControl(SC_HANDLE service, DWORD control) {
  ControlAnswer answer;
  BOOL ok;
  const char* syscall;
  if (ControlServiceExFn controlEx = ResolveControlServiceEx()) {
    SERVICE_CONTROL_STATUS_REASON_PARAMSW params{};
    params.dwReason = SERVICE_STOP_REASON_FLAG_PLANNED | SERVICE_STOP_REASON_MAJOR_OTHER |
                      SERVICE_STOP_REASON_MINOR_OTHER;
    syscall = "ControlServiceExW";
    ok = controlEx(service, control, SERVICE_CONTROL_STATUS_REASON_INFO, &params);
    answer.status = params.ServiceStatus;
    answer.fullStatus = true;
  } else {
    SERVICE_STATUS status{};
    syscall = "ControlService";
    ok = ControlService(service, control, &status);
    answer.status = ToStatusProcess(status);
  }
  if (ok) {
    answer.hasStatus = true;
    return answer;
  }
  DWORD error = GetLastError();
  answer.failure = Win32Failure{error, syscall};
  answer.fullStatus = false;
  if (error == ERROR_INVALID_SERVICE_CONTROL || error == ERROR_SERVICE_CANNOT_ACCEPT_CTRL ||
      error == ERROR_SERVICE_NOT_ACTIVE) {
    answer.hasStatus = TryQueryStatus(service, answer.status);
    answer.fullStatus = answer.hasStatus;
  }
  return answer;
}

void CompleteStatus(SC_HANDLE service, ControlAnswer& answer) {
  if (answer.fullStatus) return;
  if (TryQueryStatus(service, answer.status)) {
    answer.hasStatus = true;
    answer.fullStatus = true;
  }
}
