// The security of a hosted service's Parameters key (HKLM\SYSTEM\CurrentControlSet\Services\
// <name>\Parameters), where the host's settings, the program's environment and arguments live. The
// Services key lets Users read every subkey; the Parameters key of a hosted service gets a
// protected DACL of its own (the policy, which SIDs get which rights, is TypeScript's:
// lib/host/service-security.ts).
//   protectServiceParameters(service, sddl): creates the key with that DACL when it is missing
//     (so no value is ever written under the inherited DACL), else replaces its DACL; in both
//     cases protected from inheritance (SetSecurityInfo, PROTECTED_DACL_SECURITY_INFORMATION).
//   serviceParametersSecurity(service) -> the key's DACL as SDDL ("D:P(...)"), or null when the
//     key is missing.
#include <windows.h>
// aclapi.h and sddl.h need windows.h first.
#include <aclapi.h>
#include <sddl.h>
#include <memory>
#include <optional>
#include <string>
#include "args.h"
#include "operations.h"
#include "reg_key.h"
#include "strings.h"
#include "win32_error.h"

namespace {

struct LocalFreeDeleter {
  void operator()(void* memory) const { LocalFree(memory); }
};
template <typename T>
using LocalPtr = std::unique_ptr<T, LocalFreeDeleter>;

const wchar_t kServicesKey[] = L"SYSTEM\\CurrentControlSet\\Services\\";

std::wstring ReadServiceKeyName(const Napi::CallbackInfo& info, const char* usage) {
  std::wstring name = Args(info, usage).String(0);
  // A service name must not climb out of its own key.
  if (name.empty() || name.find_first_of(L"\\/") != std::wstring::npos) {
    throw Napi::RangeError::New(info.Env(), "service name must be non-empty and contain no '\\' or '/'");
  }
  return name;
}

class ProtectServiceParametersOp {
 public:
  explicit ProtectServiceParametersOp(const Napi::CallbackInfo& info) {
    const char* usage = "protectServiceParameters(service, sddl)";
    mService = ReadServiceKeyName(info, usage);
    std::wstring sddl = Args(info, usage).String(1);
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor, nullptr)) {
      DWORD error = GetLastError();
      throw Napi::RangeError::New(info.Env(), "sddl is not a valid security descriptor string: " + FormatWin32Message(error) +
                                                  " (ConvertStringSecurityDescriptorToSecurityDescriptorW, " + std::to_string(error) + ")");
    }
    mDescriptor.reset(descriptor);
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    if (!GetSecurityDescriptorDacl(mDescriptor.get(), &present, &mDacl, &defaulted) || !present || mDacl == nullptr) {
      throw Napi::RangeError::New(info.Env(), "sddl has no DACL (D:) to set, or a NULL DACL");
    }
  }

  void Execute() {
    RegKey service, params;
    // The service's own key must exist: creating it would fake a service the SCM does not know.
    std::wstring servicePath = std::wstring(kServicesKey) + mService;
    LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, servicePath.c_str(), 0, KEY_CREATE_SUB_KEY, service.Out());
    if (rc != ERROR_SUCCESS) ThrowWin32(rc == ERROR_FILE_NOT_FOUND ? ERROR_SERVICE_DOES_NOT_EXIST : rc, "RegOpenKeyExW");
    SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), mDescriptor.get(), FALSE};
    DWORD disposition = 0;
    rc = RegCreateKeyExW(service.Get(), L"Parameters", 0, nullptr, 0, WRITE_DAC | READ_CONTROL, &attributes, params.Out(), &disposition);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegCreateKeyExW");
    mCreated = disposition == REG_CREATED_NEW_KEY;
    DWORD error = SetSecurityInfo(params.Get(), SE_REGISTRY_KEY, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                  nullptr, nullptr, mDacl, nullptr);
    if (error != ERROR_SUCCESS) ThrowWin32(error, "SetSecurityInfo");
  }

  // true: the key was created now; false: an existing key's DACL was replaced.
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, mCreated); }

 private:
  std::wstring mService;
  LocalPtr<void> mDescriptor;
  PACL mDacl = nullptr;  // inside mDescriptor
  bool mCreated = false;
};

class ServiceParametersSecurityOp {
 public:
  explicit ServiceParametersSecurityOp(const Napi::CallbackInfo& info)
      : mService(ReadServiceKeyName(info, "serviceParametersSecurity(service)")) {}

  void Execute() {
    RegKey params;
    std::wstring path = std::wstring(kServicesKey) + mService + L"\\Parameters";
    LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, READ_CONTROL, params.Out());
    if (rc == ERROR_FILE_NOT_FOUND) return;
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegOpenKeyExW");
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    DWORD error = GetSecurityInfo(params.Get(), SE_REGISTRY_KEY, DACL_SECURITY_INFORMATION, nullptr, nullptr, nullptr, nullptr, &descriptor);
    if (error != ERROR_SUCCESS) ThrowWin32(error, "GetSecurityInfo");
    LocalPtr<void> owned(descriptor);
    wchar_t* text = nullptr;
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, nullptr)) {
      ThrowLastError("ConvertSecurityDescriptorToStringSecurityDescriptorW");
    }
    LocalPtr<wchar_t> ownedText(text);
    mSddl = std::wstring(text);
  }

  Napi::Value Result(Napi::Env env) { return mSddl ? Napi::Value(WideToJs(env, mSddl->c_str())) : env.Null(); }

 private:
  std::wstring mService;
  std::optional<std::wstring> mSddl;
};

}  // namespace

void RegisterRegistrySecurity(Napi::Env env, Napi::Object exports) {
  RegisterOp<ProtectServiceParametersOp>(env, exports, "protectServiceParameters");
  RegisterOp<ServiceParametersSecurityOp>(env, exports, "serviceParametersSecurity");
}
