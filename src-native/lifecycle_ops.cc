// Creating and deleting services.
#include "args.h"
#include "operations.h"
#include "scm_access.h"

namespace {

// Overwrites a secret in place before its memory is released.
void Wipe(OptionalWide& secret) {
  if (secret && !secret->empty()) SecureZeroMemory(secret->data(), secret->size() * sizeof(wchar_t));
  secret.reset();
}

// CreateServiceW, then the description (ChangeServiceConfig2W). If a follow-up step fails the
// half-created service is deleted again, so a failed create leaves nothing behind.
class CreateServiceOp {
 public:
  explicit CreateServiceOp(const Napi::CallbackInfo& info) {
    const char* usage =
        "createService(system, database, name, displayName, serviceType, startType, errorControl, binaryPath, "
        "loadOrderGroup, dependencies, account, password, description)";
    Args args(info, usage);
    mTarget = ReadServiceTarget(info, usage);
    mDisplayName = args.OptString(3);
    mServiceType = args.Uint32(4);
    mStartType = args.Uint32(5);
    mErrorControl = args.Uint32(6);
    mBinaryPath = args.String(7);
    mLoadOrderGroup = args.OptString(8);
    auto dependencies = args.OptStringArray(9);
    if (dependencies) mDependencies = BuildMultiSz(*dependencies);
    mAccount = args.OptString(10);
    mPassword = args.OptString(11);
    mDescription = args.OptString(12);
  }
  CreateServiceOp(CreateServiceOp&&) = default;
  ~CreateServiceOp() { Wipe(mPassword); }

  void Execute() {
    ScHandle manager = OpenManager(mTarget.system, mTarget.database, SC_MANAGER_CREATE_SERVICE);
    ScHandle service(CreateServiceW(manager.Get(), mTarget.name.c_str(), PtrOrNull(mDisplayName),
                                    SERVICE_CHANGE_CONFIG | DELETE, mServiceType, mStartType, mErrorControl,
                                    mBinaryPath.c_str(), PtrOrNull(mLoadOrderGroup), nullptr,
                                    PtrOrNull(mDependencies), PtrOrNull(mAccount), PtrOrNull(mPassword)));
    DWORD createError = service ? ERROR_SUCCESS : GetLastError();
    Wipe(mPassword);
    if (!service) ThrowWin32(createError, "CreateServiceW");
    if (mDescription) {
      SERVICE_DESCRIPTIONW description{const_cast<wchar_t*>(mDescription->c_str())};
      if (!ChangeServiceConfig2W(service.Get(), SERVICE_CONFIG_DESCRIPTION, &description)) {
        DWORD error = GetLastError();
        DeleteService(service.Get());
        ThrowWin32(error, "ChangeServiceConfig2W");
      }
    }
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  ServiceTarget mTarget;
  OptionalWide mDisplayName;
  DWORD mServiceType = 0;
  DWORD mStartType = 0;
  DWORD mErrorControl = 0;
  std::wstring mBinaryPath;
  OptionalWide mLoadOrderGroup;
  OptionalWide mDependencies;
  OptionalWide mAccount;
  OptionalWide mPassword;
  OptionalWide mDescription;
};

// DeleteService marks the service for deletion; the SCM removes it once it is stopped and every
// handle to it is closed.
class DeleteServiceOp {
 public:
  explicit DeleteServiceOp(const Napi::CallbackInfo& info)
      : mTarget(ReadServiceTarget(info, "deleteService(system, database, name)")) {}
  void Execute() {
    ScHandle service = OpenTargetService(mTarget, DELETE);
    if (!DeleteService(service.Get())) ThrowLastError("DeleteService");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  ServiceTarget mTarget;
};

}  // namespace

void RegisterLifecycleOps(Napi::Env env, Napi::Object exports) {
  RegisterOp<CreateServiceOp>(env, exports, "createService");
  RegisterOp<DeleteServiceOp>(env, exports, "deleteService");
}
