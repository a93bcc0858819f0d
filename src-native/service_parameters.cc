// The service host's settings: string values under
// HKLM\SYSTEM\CurrentControlSet\Services\<name>\Parameters, beside the SCM's own entries for the
// service, so they go with the service and need no file of their own.
#include <windows.h>
#include <vector>
#include "args.h"
#include "operations.h"
#include "reg_key.h"
#include "win32_error.h"

namespace {

const wchar_t kServicesKey[] = L"SYSTEM\\CurrentControlSet\\Services\\";

std::wstring ServicePath(const std::wstring& service) { return std::wstring(kServicesKey) + service; }
std::wstring ParametersPath(const std::wstring& service) { return ServicePath(service) + L"\\Parameters"; }

// A service name must not climb out of its own key.
void CheckServiceKeyName(const Napi::CallbackInfo& info, const std::wstring& name) {
  if (name.empty() || name.find_first_of(L"\\/") != std::wstring::npos) {
    throw Napi::RangeError::New(info.Env(), "service name must be non-empty and contain no '\\' or '/'");
  }
}

// The (service, valueName) every parameter op starts with, the service name checked.
struct ParameterTarget {
  std::wstring service;
  std::wstring value;
};

ParameterTarget ReadParameterTarget(const Args& args, const Napi::CallbackInfo& info) {
  ParameterTarget target{args.String(0), args.String(1)};
  CheckServiceKeyName(info, target.service);
  return target;
}

// HKEY_LOCAL_MACHINE of `system` (RegConnectRegistryW; needs the Remote Registry service there),
// or this machine's when there is none. `remote` keeps the connection open while it is used.
HKEY MachineRoot(const OptionalWide& system, RegKey& remote) {
  if (!system) return HKEY_LOCAL_MACHINE;
  LSTATUS rc = RegConnectRegistryW(system->c_str(), HKEY_LOCAL_MACHINE, remote.Out());
  if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegConnectRegistryW");
  return remote.Get();
}

// Opens Services\<service>\Parameters with `access`; false when the key (or the service's) is missing.
bool OpenParameters(const std::wstring& service, REGSAM access, RegKey& params, HKEY root = HKEY_LOCAL_MACHINE) {
  LSTATUS rc = RegOpenKeyExW(root, ParametersPath(service).c_str(), 0, access, params.Out());
  if (rc == ERROR_FILE_NOT_FOUND) return false;
  if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegOpenKeyExW");
  return true;
}

// writeServiceParameter(service, valueName, text): REG_SZ value under Services\<service>\Parameters
// (the key is created when missing; the service key itself must exist).
class WriteServiceParameterOp {
 public:
  explicit WriteServiceParameterOp(const Napi::CallbackInfo& info) {
    Args args(info, "writeServiceParameter(service, valueName, text)");
    mTarget = ReadParameterTarget(args, info);
    mText = args.String(2);
  }
  void Execute() {
    RegKey service, params;
    // Refuse to create the service's own key: that would fake a service the SCM does not know.
    LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, ServicePath(mTarget.service).c_str(), 0, KEY_CREATE_SUB_KEY, service.Out());
    if (rc != ERROR_SUCCESS) ThrowWin32(rc == ERROR_FILE_NOT_FOUND ? ERROR_SERVICE_DOES_NOT_EXIST : rc, "RegOpenKeyExW");
    rc = RegCreateKeyExW(service.Get(), L"Parameters", 0, nullptr, 0, KEY_SET_VALUE, nullptr, params.Out(), nullptr);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegCreateKeyExW");
    rc = SetStringValue(params.Get(), mTarget.value.c_str(), REG_SZ, mText);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegSetValueExW");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  ParameterTarget mTarget;
  std::wstring mText;
};

// readServiceParameter(service, valueName, system?) -> string | null (null: no such key or value).
// With `system`, the value is read from that machine's registry (remote registry).
class ReadServiceParameterOp {
 public:
  explicit ReadServiceParameterOp(const Napi::CallbackInfo& info) {
    Args args(info, "readServiceParameter(service, valueName, system?)");
    mTarget = ReadParameterTarget(args, info);
    mSystem = args.OptString(2);
  }
  void Execute() {
    RegKey remote, params;
    if (!OpenParameters(mTarget.service, KEY_QUERY_VALUE, params, MachineRoot(mSystem, remote))) return;
    for (int attempt = 0; attempt < 4; ++attempt) {
      DWORD type = 0, bytes = 0;
      LSTATUS rc = RegQueryValueExW(params.Get(), mTarget.value.c_str(), nullptr, &type, nullptr, &bytes);
      if (rc == ERROR_FILE_NOT_FOUND) return;
      if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegQueryValueExW");
      if (type != REG_SZ && type != REG_EXPAND_SZ) ThrowWin32(ERROR_INVALID_DATA, "RegQueryValueExW");
      std::vector<wchar_t> buffer(bytes / sizeof(wchar_t) + 1, L'\0');
      DWORD size = static_cast<DWORD>(buffer.size() * sizeof(wchar_t));
      rc = RegQueryValueExW(params.Get(), mTarget.value.c_str(), nullptr, &type, reinterpret_cast<BYTE*>(buffer.data()), &size);
      if (rc == ERROR_MORE_DATA) continue;  // grew in between
      if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegQueryValueExW");
      size_t chars = size / sizeof(wchar_t);
      while (chars > 0 && buffer[chars - 1] == L'\0') --chars;
      mText.assign(buffer.data(), chars);
      mFound = true;
      return;
    }
    ThrowWin32(ERROR_MORE_DATA, "RegQueryValueExW");
  }
  Napi::Value Result(Napi::Env env) {
    if (!mFound) return env.Null();
    return WideToJs(env, mText.c_str(), mText.size());
  }

 private:
  ParameterTarget mTarget;
  OptionalWide mSystem;
  std::wstring mText;
  bool mFound = false;
};

// deleteServiceParameter(service, valueName) -> whether a value was deleted.
// Deletes a registry value: true when there was one, false when there was none.
bool DeleteValueIfPresent(HKEY key, const std::wstring& name) {
  LSTATUS rc = RegDeleteValueW(key, name.c_str());
  if (rc == ERROR_FILE_NOT_FOUND) return false;
  if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegDeleteValueW");
  return true;
}

class DeleteServiceParameterOp {
 public:
  explicit DeleteServiceParameterOp(const Napi::CallbackInfo& info)
      : mTarget(ReadParameterTarget(Args(info, "deleteServiceParameter(service, valueName)"), info)) {}
  void Execute() {
    RegKey params;
    if (!OpenParameters(mTarget.service, KEY_SET_VALUE, params)) return;
    mDeleted = DeleteValueIfPresent(params.Get(), mTarget.value);
  }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, mDeleted); }

 private:
  ParameterTarget mTarget;
  bool mDeleted = false;
};

// deleteServiceValue(system | null, service, valueName) -> whether a value was deleted: a value of
// the SCM's own key HKLM\SYSTEM\CurrentControlSet\Services\<service> (RequiredPrivileges, which
// no ChangeServiceConfig2W call removes). ERROR_SERVICE_DOES_NOT_EXIST when the key is missing.
class DeleteServiceValueOp {
 public:
  explicit DeleteServiceValueOp(const Napi::CallbackInfo& info) {
    Args args(info, "deleteServiceValue(system, service, valueName)");
    mSystem = args.OptString(0);
    mService = args.String(1);
    mValue = args.String(2);
    CheckServiceKeyName(info, mService);
  }
  void Execute() {
    RegKey remote, service;
    LSTATUS rc = RegOpenKeyExW(MachineRoot(mSystem, remote), ServicePath(mService).c_str(), 0, KEY_SET_VALUE, service.Out());
    if (rc != ERROR_SUCCESS) ThrowWin32(rc == ERROR_FILE_NOT_FOUND ? ERROR_SERVICE_DOES_NOT_EXIST : rc, "RegOpenKeyExW");
    mDeleted = DeleteValueIfPresent(service.Get(), mValue);
  }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, mDeleted); }

 private:
  OptionalWide mSystem;
  std::wstring mService;
  std::wstring mValue;
  bool mDeleted = false;
};

}  // namespace

void RegisterServiceParameters(Napi::Env env, Napi::Object exports) {
  RegisterOpWithSync<WriteServiceParameterOp>(env, exports, "writeServiceParameter");
  RegisterOpWithSync<ReadServiceParameterOp>(env, exports, "readServiceParameter");
  RegisterOp<DeleteServiceParameterOp>(env, exports, "deleteServiceParameter");
  RegisterOp<DeleteServiceValueOp>(env, exports, "deleteServiceValue");
}
