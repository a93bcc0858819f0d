// Files' and folders' security as the security checks of lib/security need it: the owner and the
// DACL's ACEs with their SIDs (GetNamedSecurityInfoW), a path's attributes (reparse points), and
// folders created or re-protected with a DACL given as SDDL (CreateDirectoryW with
// SECURITY_ATTRIBUTES, SetNamedSecurityInfoW). The policy (which SIDs are trusted, which rights
// mean "can write") lives in TypeScript.
#include <windows.h>
// aclapi.h and sddl.h need windows.h first.
#include <aclapi.h>
#include <sddl.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "args.h"
#include "local_ptr.h"
#include "operations.h"
#include "strings.h"

namespace {

std::wstring SidString(PSID sid) {
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) ThrowLastError("ConvertSidToStringSidW");
  LocalPtr<wchar_t> owned(text);
  return text;
}

// DOMAIN\name of a SID, or nothing when it has no name here (a deleted account, a capability SID).
std::optional<std::wstring> AccountName(PSID sid) {
  wchar_t name[256];
  wchar_t domain[256];
  DWORD nameSize = 256;
  DWORD domainSize = 256;
  SID_NAME_USE use;
  if (!LookupAccountSidW(nullptr, sid, name, &nameSize, domain, &domainSize, &use)) return std::nullopt;
  return domainSize > 0 && domain[0] != L'\0' ? std::wstring(domain) + L"\\" + name : std::wstring(name);
}

struct Ace {
  BYTE type;
  BYTE flags;
  ACCESS_MASK mask;
  std::wstring sid;
};

// fileSecurity(path): { owner: SID string | null, dacl: null (a NULL DACL: everyone full) | [ACE],
// protected }. An ACE: { type (ACCESS_ALLOWED_ACE_TYPE 0, ACCESS_DENIED_ACE_TYPE 1, or another
// type), flags (the AceFlags: INHERIT_ONLY_ACE 0x08, INHERITED_ACE 0x10 ...), mask, sid }. SIDs
// only: a name lookup may ask a domain controller, so names are looked up (accountName) only for
// what is reported.
class FileSecurityOp {
 public:
  explicit FileSecurityOp(const Napi::CallbackInfo& info) { mPath = Args(info, "fileSecurity(path)").String(0); }

  void Execute() {
    PSID owner = nullptr;
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    DWORD error = GetNamedSecurityInfoW(mPath.c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                        &owner, nullptr, &dacl, nullptr, &descriptor);
    if (error != ERROR_SUCCESS) ThrowWin32(error, "GetNamedSecurityInfoW");
    LocalPtr<void> owned(descriptor);
    if (owner != nullptr) mOwner = SidString(owner);
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision = 0;
    if (GetSecurityDescriptorControl(descriptor, &control, &revision)) mProtected = (control & SE_DACL_PROTECTED) != 0;
    mNullDacl = dacl == nullptr;
    if (dacl == nullptr) return;
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
      ACE_HEADER* header = nullptr;
      if (!GetAce(dacl, i, reinterpret_cast<void**>(&header))) ThrowLastError("GetAce");
      // Allowed and denied ACEs share one layout: header, mask, then the SID.
      if (header->AceType == ACCESS_ALLOWED_ACE_TYPE || header->AceType == ACCESS_DENIED_ACE_TYPE) {
        auto* ace = reinterpret_cast<ACCESS_ALLOWED_ACE*>(header);
        mAces.push_back(Ace{header->AceType, header->AceFlags, ace->Mask, SidString(&ace->SidStart)});
      } else {
        mAces.push_back(Ace{header->AceType, header->AceFlags, 0, std::wstring()});
      }
    }
  }

  Napi::Value Result(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("owner", mOwner ? Napi::Value(WideToJs(env, mOwner->c_str())) : env.Null());
    out.Set("protected", Napi::Boolean::New(env, mProtected));
    if (mNullDacl) {
      out.Set("dacl", env.Null());
      return out;
    }
    Napi::Array aces = Napi::Array::New(env, mAces.size());
    for (size_t i = 0; i < mAces.size(); ++i) {
      Napi::Object ace = Napi::Object::New(env);
      ace.Set("sid", WideToJs(env, mAces[i].sid.c_str()));
      ace.Set("type", Napi::Number::New(env, mAces[i].type));
      ace.Set("flags", Napi::Number::New(env, mAces[i].flags));
      ace.Set("mask", Napi::Number::New(env, mAces[i].mask));
      aces.Set(static_cast<uint32_t>(i), ace);
    }
    out.Set("dacl", aces);
    return out;
  }

 private:
  std::wstring mPath;
  std::optional<std::wstring> mOwner;
  bool mProtected = false;
  bool mNullDacl = false;
  std::vector<Ace> mAces;
};

// fileAttributes(path): GetFileAttributesW's bits (FILE_ATTRIBUTE_REPARSE_POINT 0x400 ...), or
// null when nothing is there. Of the path itself: a reparse point is not followed.
class FileAttributesOp {
 public:
  explicit FileAttributesOp(const Napi::CallbackInfo& info) { mPath = Args(info, "fileAttributes(path)").String(0); }

  void Execute() {
    mAttributes = GetFileAttributesW(mPath.c_str());
    if (mAttributes != INVALID_FILE_ATTRIBUTES) return;
    DWORD error = GetLastError();
    if (error != ERROR_FILE_NOT_FOUND && error != ERROR_PATH_NOT_FOUND) ThrowWin32(error, "GetFileAttributesW");
  }

  Napi::Value Result(Napi::Env env) {
    return mAttributes == INVALID_FILE_ATTRIBUTES ? env.Null() : Napi::Value(Napi::Number::New(env, mAttributes));
  }

 private:
  std::wstring mPath;
  DWORD mAttributes = INVALID_FILE_ATTRIBUTES;
};

// A security descriptor from SDDL, converted on the calling thread: a bad string is a RangeError.
LocalPtr<void> DescriptorFromSddl(const Napi::CallbackInfo& info, const std::wstring& sddl) {
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor, nullptr)) {
    DWORD error = GetLastError();
    throw Napi::RangeError::New(info.Env(), "sddl is not a valid security descriptor string: " + FormatWin32Message(error) +
                                                " (ConvertStringSecurityDescriptorToSecurityDescriptorW, " + std::to_string(error) + ")");
  }
  return LocalPtr<void>(descriptor);
}

// The (path, sddl) arguments of the folder operations, the descriptor converted on the calling thread.
struct PathAndDescriptor {
  PathAndDescriptor(const Napi::CallbackInfo& info, const char* usage) {
    Args args(info, usage);
    path = args.String(0);
    descriptor = DescriptorFromSddl(info, args.String(1));
  }
  std::wstring path;
  LocalPtr<void> descriptor;
};

// createDirectory(path, sddl): creates the folder with that security descriptor from the first
// instant (no window in which the parent's inherited ACEs apply); true when created, false when
// something already was there (the caller then checks what it is).
class CreateDirectoryOp {
 public:
  explicit CreateDirectoryOp(const Napi::CallbackInfo& info) : mTarget(info, "createDirectory(path, sddl)") {}

  void Execute() {
    SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), mTarget.descriptor.get(), FALSE};
    if (CreateDirectoryW(mTarget.path.c_str(), &attributes)) {
      mCreated = true;
      return;
    }
    DWORD error = GetLastError();
    if (error != ERROR_ALREADY_EXISTS) ThrowWin32(error, "CreateDirectoryW");
  }

  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, mCreated); }

 private:
  PathAndDescriptor mTarget;
  bool mCreated = false;
};

// setFileDacl(path, sddl): replaces the DACL with the descriptor's, protected from inheritance
// (PROTECTED_DACL_SECURITY_INFORMATION) so that the parent's ACEs no longer apply.
class SetFileDaclOp {
 public:
  explicit SetFileDaclOp(const Napi::CallbackInfo& info) : mTarget(info, "setFileDacl(path, sddl)") {
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    if (!GetSecurityDescriptorDacl(mTarget.descriptor.get(), &present, &mDacl, &defaulted) || !present || mDacl == nullptr) {
      throw Napi::RangeError::New(info.Env(), "sddl has no DACL (D:) to set");
    }
  }

  void Execute() {
    DWORD error = SetNamedSecurityInfoW(mTarget.path.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                        nullptr, nullptr, mDacl, nullptr);
    if (error != ERROR_SUCCESS) ThrowWin32(error, "SetNamedSecurityInfoW");
  }

  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  PathAndDescriptor mTarget;
  PACL mDacl = nullptr;  // inside mTarget.descriptor
};

// accountSid(account): the SID string of an account name (LookupAccountNameW), or null when
// there is no such account.
class AccountSidOp {
 public:
  explicit AccountSidOp(const Napi::CallbackInfo& info) { mAccount = Args(info, "accountSid(account)").String(0); }

  void Execute() {
    DWORD sidSize = 0;
    DWORD domainSize = 0;
    SID_NAME_USE use;
    LookupAccountNameW(nullptr, mAccount.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
    DWORD error = GetLastError();
    if (error == ERROR_NONE_MAPPED) return;
    if (error != ERROR_INSUFFICIENT_BUFFER) ThrowWin32(error, "LookupAccountNameW");
    std::vector<BYTE> sid(sidSize);
    std::vector<wchar_t> domain(domainSize + 1);
    if (!LookupAccountNameW(nullptr, mAccount.c_str(), sid.data(), &sidSize, domain.data(), &domainSize, &use)) {
      ThrowLastError("LookupAccountNameW");
    }
    mSid = SidString(sid.data());
  }

  Napi::Value Result(Napi::Env env) { return mSid ? Napi::Value(WideToJs(env, mSid->c_str())) : env.Null(); }

 private:
  std::wstring mAccount;
  std::optional<std::wstring> mSid;
};

// accountName(sid): DOMAIN\\name of a SID string, or null when it has none here.
class AccountNameOp {
 public:
  explicit AccountNameOp(const Napi::CallbackInfo& info) {
    std::wstring text = Args(info, "accountName(sid)").String(0);
    PSID sid = nullptr;
    if (!ConvertStringSidToSidW(text.c_str(), &sid)) throw Napi::RangeError::New(info.Env(), "sid is not a SID string (S-1-...)");
    mSid.reset(sid);
  }

  void Execute() { mName = AccountName(mSid.get()); }

  Napi::Value Result(Napi::Env env) { return mName ? Napi::Value(WideToJs(env, mName->c_str())) : env.Null(); }

 private:
  LocalPtr<void> mSid;
  std::optional<std::wstring> mName;
};

}  // namespace

void RegisterFileSecurity(Napi::Env env, Napi::Object exports) {
  RegisterOp<FileSecurityOp>(env, exports, "fileSecurity");
  RegisterOp<FileAttributesOp>(env, exports, "fileAttributes");
  RegisterOp<CreateDirectoryOp>(env, exports, "createDirectory");
  RegisterOp<SetFileDaclOp>(env, exports, "setFileDacl");
  RegisterOp<AccountSidOp>(env, exports, "accountSid");
  RegisterOp<AccountNameOp>(env, exports, "accountName");
}
