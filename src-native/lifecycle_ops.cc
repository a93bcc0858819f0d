// Creating and deleting services.
#include "args.h"
#include "config2.h"
#include "js_values.h"
#include "operations.h"
#include "privilege.h"
#include "scm_access.h"

namespace {

// CreateServiceW, then the optional levels (description, failure actions, triggers...) with
// ChangeServiceConfig2W. If a follow-up step fails the half-created service is deleted again, so a
// failed create leaves nothing behind.
class CreateServiceOp {
 public:
  explicit CreateServiceOp(const Napi::CallbackInfo& info) {
    const char* usage =
        "createService(system, database, name, displayName, serviceType, startType, errorControl, binaryPath, "
        "loadOrderGroup, dependencies, account, password, levels)";
    Args args(info, usage);
    JsValues js(info.Env(), usage);
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
    mLevels = ReadConfig2Changes(js, info[12], "argument 12");
  }
  CreateServiceOp(CreateServiceOp&&) = default;
  ~CreateServiceOp() { WipeSecret(mPassword); }

  void Execute() {
    ScopedPrivilege shutdown(Config2NeedsShutdownPrivilege(mLevels) ? SE_SHUTDOWN_NAME : nullptr);
    ScHandle manager = OpenManager(mTarget.system, mTarget.database, SC_MANAGER_CREATE_SERVICE);
    ScHandle service(CreateServiceW(manager.Get(), mTarget.name.c_str(), PtrOrNull(mDisplayName),
                                    SERVICE_CHANGE_CONFIG | DELETE | Config2Access(mLevels), mServiceType,
                                    mStartType, mErrorControl, mBinaryPath.c_str(), PtrOrNull(mLoadOrderGroup), nullptr,
                                    PtrOrNull(mDependencies), PtrOrNull(mAccount), PtrOrNull(mPassword)));
    DWORD createError = service ? ERROR_SUCCESS : GetLastError();
    WipeSecret(mPassword);
    if (!service) ThrowWin32(createError, "CreateServiceW");
    try {
      ApplyConfig2(service.Get(), mLevels);
    } catch (const Win32Exception&) {
      DeleteService(service.Get());  // the original failure is what the caller needs to see
      throw;
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
  std::vector<Config2Change> mLevels;
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
