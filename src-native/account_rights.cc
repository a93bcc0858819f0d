// An account's user rights in the local security policy (LSA), for service accounts: a service that
// runs as a user can only be started if the user holds SeServiceLogonRight ("Log on as a
// service"), else StartService fails with ERROR_SERVICE_LOGON_FAILED (1069). services.msc grants
// it when an account is typed in; a program that installs services must do it itself, as NSSM and
// WinSW do.
#include <windows.h>
#include <ntsecapi.h>
#include <string>
#include <vector>
#include "args.h"
#include "operations.h"
#include "strings.h"
#include "win32_error.h"

namespace {

// NTSTATUS values the functions below test for (ntstatus.h clashes with windows.h).
constexpr NTSTATUS kStatusObjectNameNotFound = static_cast<NTSTATUS>(0xC0000034L);
constexpr NTSTATUS kStatusNoSuchPrivilege = static_cast<NTSTATUS>(0xC0000060L);

void ThrowNtStatus(NTSTATUS status, const char* syscall) { ThrowWin32(LsaNtStatusToWinError(status), syscall); }

// The SID of `account` on `system` (null: this machine), the buffer grown as LookupAccountNameW asks.
std::vector<BYTE> LookupSid(const OptionalWide& system, const std::wstring& account) {
  DWORD sidSize = 0;
  DWORD domainSize = 0;
  SID_NAME_USE use;
  LookupAccountNameW(PtrOrNull(system), account.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
  DWORD error = GetLastError();
  if (error != ERROR_INSUFFICIENT_BUFFER) ThrowWin32(error, "LookupAccountNameW");
  std::vector<BYTE> sid(sidSize);
  std::vector<wchar_t> domain(domainSize + 1);
  if (!LookupAccountNameW(PtrOrNull(system), account.c_str(), sid.data(), &sidSize, domain.data(), &domainSize, &use)) {
    ThrowLastError("LookupAccountNameW");
  }
  return sid;
}

LSA_UNICODE_STRING LsaString(const std::wstring& text) {
  LSA_UNICODE_STRING out;
  out.Buffer = const_cast<wchar_t*>(text.c_str());
  out.Length = static_cast<USHORT>(text.size() * sizeof(wchar_t));
  out.MaximumLength = out.Length;
  return out;
}

class LsaPolicy {
 public:
  LsaPolicy(const OptionalWide& system, ACCESS_MASK access) {
    LSA_OBJECT_ATTRIBUTES attributes{};
    LSA_UNICODE_STRING name = system ? LsaString(*system) : LSA_UNICODE_STRING{};
    NTSTATUS status = LsaOpenPolicy(system ? &name : nullptr, &attributes, access, &mHandle);
    if (status != 0) ThrowNtStatus(status, "LsaOpenPolicy");
  }
  ~LsaPolicy() {
    if (mHandle != nullptr) LsaClose(mHandle);
  }
  LsaPolicy(const LsaPolicy&) = delete;
  LsaPolicy& operator=(const LsaPolicy&) = delete;
  LSA_HANDLE Get() const { return mHandle; }

 private:
  LSA_HANDLE mHandle = nullptr;
};

// The rights `sid` holds directly (not through its groups); none is an empty list.
std::vector<std::wstring> EnumerateRights(LSA_HANDLE policy, PSID sid) {
  PLSA_UNICODE_STRING rights = nullptr;
  ULONG count = 0;
  NTSTATUS status = LsaEnumerateAccountRights(policy, sid, &rights, &count);
  // An account the policy has no entry for holds no rights: not an error.
  if (status == kStatusObjectNameNotFound) return {};
  if (status != 0) ThrowNtStatus(status, "LsaEnumerateAccountRights");
  std::vector<std::wstring> out;
  for (ULONG i = 0; i < count; ++i) out.emplace_back(rights[i].Buffer, rights[i].Length / sizeof(wchar_t));
  LsaFreeMemory(rights);
  return out;
}

// enumAccountRights(system | null, account) -> string[]: the account's user rights and privileges.
class EnumAccountRightsOp {
 public:
  explicit EnumAccountRightsOp(const Napi::CallbackInfo& info) {
    Args args(info, "enumAccountRights(system, account)");
    mSystem = args.OptString(0);
    mAccount = args.String(1);
  }
  void Execute() {
    std::vector<BYTE> sid = LookupSid(mSystem, mAccount);
    LsaPolicy policy(mSystem, POLICY_LOOKUP_NAMES);
    mRights = EnumerateRights(policy.Get(), sid.data());
  }
  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, mRights.size());
    for (size_t i = 0; i < mRights.size(); ++i) out.Set(static_cast<uint32_t>(i), WideToJs(env, mRights[i].c_str()));
    return out;
  }

 private:
  OptionalWide mSystem;
  std::wstring mAccount;
  std::vector<std::wstring> mRights;
};

// addAccountRight(system | null, account, right) -> boolean: grants `right` (SeServiceLogonRight...);
// false when the account held it already (nothing changed).
class AddAccountRightOp {
 public:
  explicit AddAccountRightOp(const Napi::CallbackInfo& info) {
    Args args(info, "addAccountRight(system, account, right)");
    mSystem = args.OptString(0);
    mAccount = args.String(1);
    mRight = args.String(2);
  }
  void Execute() {
    std::vector<BYTE> sid = LookupSid(mSystem, mAccount);
    // POLICY_CREATE_ACCOUNT: the account may have no entry in the policy yet.
    LsaPolicy policy(mSystem, POLICY_LOOKUP_NAMES | POLICY_CREATE_ACCOUNT);
    for (const std::wstring& held : EnumerateRights(policy.Get(), sid.data())) {
      if (_wcsicmp(held.c_str(), mRight.c_str()) == 0) return;
    }
    LSA_UNICODE_STRING right = LsaString(mRight);
    NTSTATUS status = LsaAddAccountRights(policy.Get(), sid.data(), &right, 1);
    if (status == kStatusNoSuchPrivilege) ThrowWin32(ERROR_NO_SUCH_PRIVILEGE, "LsaAddAccountRights");
    if (status != 0) ThrowNtStatus(status, "LsaAddAccountRights");
    mGranted = true;
  }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, mGranted); }

 private:
  OptionalWide mSystem;
  std::wstring mAccount;
  std::wstring mRight;
  bool mGranted = false;
};

// computerName() -> this machine's NetBIOS name (GetComputerNameW), the domain the SCM means by
// ".\\" in an account name; LookupAccountNameW does not take ".".
class ComputerNameOp {
 public:
  explicit ComputerNameOp(const Napi::CallbackInfo&) {}
  void Execute() {
    wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD size = MAX_COMPUTERNAME_LENGTH + 1;
    if (!GetComputerNameW(name, &size)) ThrowLastError("GetComputerNameW");
    mName.assign(name, size);
  }
  Napi::Value Result(Napi::Env env) { return WideToJs(env, mName.c_str(), mName.size()); }

 private:
  std::wstring mName;
};

}  // namespace

void RegisterAccountRights(Napi::Env env, Napi::Object exports) {
  RegisterOp<EnumAccountRightsOp>(env, exports, "enumAccountRights");
  RegisterOp<AddAccountRightOp>(env, exports, "addAccountRight");
  RegisterOpWithSync<ComputerNameOp>(env, exports, "computerName");
}
