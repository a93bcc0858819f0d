// A service's security descriptor as SDDL: QueryServiceObjectSecurity /
// SetServiceObjectSecurity, converted with the sddl.h functions. Typical use: an installer grants
// a chosen group the right to start, stop and query one service ("(A;;RPWPLC;;;<SID>)").
#include <windows.h>
// sddl.h needs windows.h first.
#include <sddl.h>
#include <memory>
#include "args.h"
#include "local_ptr.h"
#include "operations.h"
#include "privilege.h"
#include "query_buffer.h"
#include "scm_access.h"

namespace {

constexpr SECURITY_INFORMATION kKnownParts =
    OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION;

// Reading the SACL needs ACCESS_SYSTEM_SECURITY, which the SCM grants only with SeSecurityPrivilege enabled.
DWORD ReadAccess(SECURITY_INFORMATION parts) {
  return READ_CONTROL | ((parts & SACL_SECURITY_INFORMATION) ? ACCESS_SYSTEM_SECURITY : 0);
}

DWORD WriteAccess(SECURITY_INFORMATION parts) {
  DWORD access = 0;
  if (parts & DACL_SECURITY_INFORMATION) access |= WRITE_DAC;
  if (parts & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION)) access |= WRITE_OWNER;
  if (parts & SACL_SECURITY_INFORMATION) access |= ACCESS_SYSTEM_SECURITY;
  return access;
}

const wchar_t* PrivilegeFor(SECURITY_INFORMATION parts) {
  return (parts & SACL_SECURITY_INFORMATION) ? SE_SECURITY_NAME : nullptr;
}

// The `parts` argument: a non-empty set of the four *_SECURITY_INFORMATION bits, nothing else.
SECURITY_INFORMATION ReadParts(const Napi::CallbackInfo& info, size_t index, const char* usage) {
  SECURITY_INFORMATION parts = Args(info, usage).Uint32(index);
  if (parts == 0 || (parts & ~kKnownParts) != 0) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) +
                                               " must be OWNER|GROUP|DACL|SACL_SECURITY_INFORMATION bits. Usage: " + usage);
  }
  return parts;
}

class QuerySecurityOp {
 public:
  explicit QuerySecurityOp(const Napi::CallbackInfo& info) {
    const char* usage = "querySecurity(system, database, name, parts)";
    mTarget = ReadServiceTarget(info, usage);
    mParts = ReadParts(info, 3, usage);
  }

  void Execute() {
    ScopedPrivilege privilege(PrivilegeFor(mParts));
    ScHandle service = OpenTargetService(mTarget, ReadAccess(mParts));
    std::vector<BYTE> descriptor =
        QueryWithGrowingBuffer("QueryServiceObjectSecurity", [&](BYTE* buffer, DWORD size, DWORD* needed) {
          return QueryServiceObjectSecurity(service.Get(), mParts, buffer, size, needed);
        });
    wchar_t* text = nullptr;
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor.data(), SDDL_REVISION_1, mParts, &text, nullptr)) {
      ThrowLastError("ConvertSecurityDescriptorToStringSecurityDescriptorW");
    }
    LocalPtr<wchar_t> owned(text);
    mSddl.assign(text);
  }
  Napi::Value Result(Napi::Env env) { return WideToJs(env, mSddl.c_str()); }

 private:
  ServiceTarget mTarget;
  SECURITY_INFORMATION mParts = 0;
  std::wstring mSddl;
};

// The SDDL is converted on the calling (main) thread before anything reaches the SCM: a string
// that is not a valid security descriptor, or lacks a part asked to be set, is a RangeError.
class SetSecurityOp {
 public:
  explicit SetSecurityOp(const Napi::CallbackInfo& info) {
    const char* usage = "setSecurity(system, database, name, sddl, parts)";
    Args args(info, usage);
    mTarget = ReadServiceTarget(info, usage);
    std::wstring sddl = args.String(3);
    mParts = ReadParts(info, 4, usage);
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor, nullptr)) {
      DWORD error = GetLastError();
      throw Napi::RangeError::New(info.Env(), "sddl is not a valid security descriptor string: " +
                                                  FormatWin32Message(error) + " (ConvertStringSecurityDescriptorToSecurityDescriptorW, " +
                                                  std::to_string(error) + ")");
    }
    mDescriptor.reset(descriptor);
    const char* missing = MissingPart();
    if (missing != nullptr) throw Napi::RangeError::New(info.Env(), std::string("sddl has no ") + missing + " to set");
  }

  void Execute() {
    ScopedPrivilege privilege(PrivilegeFor(mParts));
    ScHandle service = OpenTargetService(mTarget, WriteAccess(mParts));
    if (!SetServiceObjectSecurity(service.Get(), mParts, mDescriptor.get())) ThrowLastError("SetServiceObjectSecurity");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  const char* MissingPart() const {
    BOOL present = FALSE, defaulted = FALSE;
    PACL acl = nullptr;
    PSID sid = nullptr;
    if ((mParts & DACL_SECURITY_INFORMATION) &&
        (!GetSecurityDescriptorDacl(mDescriptor.get(), &present, &acl, &defaulted) || !present)) {
      return "DACL (D:)";
    }
    if ((mParts & SACL_SECURITY_INFORMATION) &&
        (!GetSecurityDescriptorSacl(mDescriptor.get(), &present, &acl, &defaulted) || !present)) {
      return "SACL (S:)";
    }
    if ((mParts & OWNER_SECURITY_INFORMATION) &&
        (!GetSecurityDescriptorOwner(mDescriptor.get(), &sid, &defaulted) || sid == nullptr)) {
      return "owner (O:)";
    }
    sid = nullptr;
    if ((mParts & GROUP_SECURITY_INFORMATION) &&
        (!GetSecurityDescriptorGroup(mDescriptor.get(), &sid, &defaulted) || sid == nullptr)) {
      return "group (G:)";
    }
    return nullptr;
  }

  ServiceTarget mTarget;
  SECURITY_INFORMATION mParts = 0;
  LocalPtr<void> mDescriptor;
};

}  // namespace

void RegisterSecurityOps(Napi::Env env, Napi::Object exports) {
  RegisterOp<QuerySecurityOp>(env, exports, "querySecurity");
  RegisterOp<SetSecurityOp>(env, exports, "setSecurity");
}
