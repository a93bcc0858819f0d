// Reading and changing a service's configuration: QueryServiceConfigW / ChangeServiceConfigW and
// the optional levels (config2.h).
#include <optional>
#include "args.h"
#include "config2.h"
#include "js_values.h"
#include "operations.h"
#include "privilege.h"
#include "query_buffer.h"
#include "scm_access.h"

namespace {

std::vector<BYTE> QueryCoreConfig(SC_HANDLE service) {
  std::vector<BYTE> data = QueryWithGrowingBuffer("QueryServiceConfigW", [&](BYTE* buffer, DWORD size, DWORD* needed) {
    return QueryServiceConfigW(service, reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer), size, needed);
  });
  if (data.size() < sizeof(QUERY_SERVICE_CONFIGW)) ThrowWin32(ERROR_INVALID_DATA, "QueryServiceConfigW");
  return data;
}

Napi::Object CoreConfigToJs(Napi::Env env, const QUERY_SERVICE_CONFIGW& config) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("serviceType", static_cast<double>(config.dwServiceType));
  out.Set("startType", static_cast<double>(config.dwStartType));
  out.Set("errorControl", static_cast<double>(config.dwErrorControl));
  out.Set("binaryPath", WideToJsOrNull(env, config.lpBinaryPathName));
  out.Set("loadOrderGroup", WideToJsOrNull(env, config.lpLoadOrderGroup));
  out.Set("tagId", static_cast<double>(config.dwTagId));
  out.Set("dependencies", MultiSzToJs(env, config.lpDependencies));
  out.Set("account", WideToJsOrNull(env, config.lpServiceStartName));
  out.Set("displayName", WideToJsOrNull(env, config.lpDisplayName));
  return out;
}

// QueryServiceConfigW (when asked) and the asked QueryServiceConfig2W levels, with
// SERVICE_QUERY_CONFIG only. With skipUnsupported, a level the system answers with
// ERROR_INVALID_LEVEL (older Windows, Wine) is left out of the result instead of failing the call.
class QueryConfigOp {
 public:
  explicit QueryConfigOp(const Napi::CallbackInfo& info) {
    const char* usage = "queryConfig(system, database, name, wantCore, levels, skipUnsupported)";
    Args args(info, usage);
    JsValues js(info.Env(), usage);
    mTarget = ReadServiceTarget(info, usage);
    mWantCore = args.Bool(3);
    Napi::Array levels = js.Array(info[4], "argument 4");
    for (uint32_t i = 0; i < levels.Length(); ++i) {
      DWORD level = js.Uint32(levels.Get(i), "argument 4[" + std::to_string(i) + "]");
      if (!IsConfig2Level(level)) js.Fail("argument 4[" + std::to_string(i) + "]", "a supported SERVICE_CONFIG_* level");
      mLevels.push_back(Level{level, false, {}});
    }
    mSkipUnsupported = args.Bool(5);
  }

  void Execute() {
    ScHandle service = OpenTargetService(mTarget, SERVICE_QUERY_CONFIG);
    if (mWantCore) mCore = QueryCoreConfig(service.Get());
    for (Level& level : mLevels) {
      try {
        level.data = QueryConfig2(service.Get(), level.level);
        level.present = true;
      } catch (const Win32Exception& e) {
        if (!(mSkipUnsupported && e.failure.code == ERROR_INVALID_LEVEL)) throw;
      }
    }
  }

  Napi::Value Result(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    if (mWantCore) out.Set("core", CoreConfigToJs(env, *reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(mCore.data())));
    Napi::Object levels = Napi::Object::New(env);
    for (const Level& level : mLevels) {
      if (level.present) levels.Set(static_cast<uint32_t>(level.level), Config2ToJs(env, level.level, level.data));
    }
    out.Set("levels", levels);
    return out;
  }

 private:
  struct Level {
    DWORD level;
    bool present;
    std::vector<BYTE> data;
  };
  ServiceTarget mTarget;
  bool mWantCore = false;
  bool mSkipUnsupported = false;
  std::vector<Level> mLevels;
  std::vector<BYTE> mCore;
};

// The ChangeServiceConfigW arguments; an absent value is SERVICE_NO_CHANGE or a null pointer.
struct CoreChanges {
  std::optional<DWORD> serviceType;  // without SERVICE_INTERACTIVE_PROCESS
  std::optional<bool> interactive;
  std::optional<DWORD> startType;
  std::optional<DWORD> errorControl;
  OptionalWide binaryPath;
  OptionalWide loadOrderGroup;
  OptionalWide dependencies;  // double-NUL list; "\0\0" clears
  OptionalWide account;
  OptionalWide password;
  OptionalWide displayName;

  // The interactive flag is a bit of the service type: changing one without the other keeps the
  // other's current value, which must be read first.
  bool NeedsCurrentType() const { return serviceType.has_value() != interactive.has_value(); }
};

std::optional<DWORD> OptUint32(const JsValues& js, Napi::Object object, const char* key) {
  Napi::Value value = object.Get(key);
  if (JsValues::IsAbsent(value)) return std::nullopt;
  return js.Uint32(value, std::string("core.") + key);
}

CoreChanges ReadCoreChanges(const JsValues& js, Napi::Object core) {
  CoreChanges changes;
  changes.serviceType = OptUint32(js, core, "serviceType");
  Napi::Value interactive = core.Get("interactive");
  if (!JsValues::IsAbsent(interactive)) changes.interactive = js.Bool(interactive, "core.interactive");
  changes.startType = OptUint32(js, core, "startType");
  changes.errorControl = OptUint32(js, core, "errorControl");
  changes.binaryPath = js.OptString(core.Get("binaryPath"), "core.binaryPath");
  changes.loadOrderGroup = js.OptString(core.Get("loadOrderGroup"), "core.loadOrderGroup");
  Napi::Value dependencies = core.Get("dependencies");
  if (!JsValues::IsAbsent(dependencies)) changes.dependencies = BuildMultiSz(js.StringArray(dependencies, "core.dependencies"));
  changes.account = js.OptString(core.Get("account"), "core.account");
  changes.password = js.OptString(core.Get("password"), "core.password");
  changes.displayName = js.OptString(core.Get("displayName"), "core.displayName");
  return changes;
}

// ChangeServiceConfigW for the core fields, then ChangeServiceConfig2W per optional level, in
// that order, on one handle opened with just the rights those calls need. Windows has no
// transaction: when a later step fails, the earlier ones stay applied.
class ChangeConfigOp {
 public:
  explicit ChangeConfigOp(const Napi::CallbackInfo& info) {
    const char* usage = "changeConfig(system, database, name, core, levels)";
    JsValues js(info.Env(), usage);
    mTarget = ReadServiceTarget(info, usage);
    if (!JsValues::IsAbsent(info[3])) mCore = ReadCoreChanges(js, js.Object(info[3], "argument 3"));
    mLevels = ReadConfig2Changes(js, info[4], "argument 4");
  }
  ChangeConfigOp(ChangeConfigOp&&) = default;
  ~ChangeConfigOp() {
    if (mCore) WipeSecret(mCore->password);
  }

  void Execute() {
    ScopedPrivilege shutdown(Config2NeedsShutdownPrivilege(mLevels) ? SE_SHUTDOWN_NAME : nullptr);
    DWORD access = SERVICE_CHANGE_CONFIG | Config2Access(mLevels);
    if (mCore && mCore->NeedsCurrentType()) access |= SERVICE_QUERY_CONFIG;
    ScHandle service = OpenTargetService(mTarget, access);
    if (mCore) ChangeCore(service.Get(), *mCore);
    ApplyConfig2(service.Get(), mLevels);
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  static void ChangeCore(SC_HANDLE service, CoreChanges& core) {
    DWORD type = SERVICE_NO_CHANGE;
    if (core.serviceType || core.interactive) {
      DWORD current = 0;
      if (core.NeedsCurrentType()) {
        std::vector<BYTE> data = QueryCoreConfig(service);
        current = reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(data.data())->dwServiceType;
      }
      DWORD base = core.serviceType ? *core.serviceType : current;
      bool interactive = core.interactive ? *core.interactive : (current & SERVICE_INTERACTIVE_PROCESS) != 0;
      type = (base & ~static_cast<DWORD>(SERVICE_INTERACTIVE_PROCESS)) | (interactive ? SERVICE_INTERACTIVE_PROCESS : 0);
    }
    BOOL ok = ChangeServiceConfigW(service, type, core.startType.value_or(SERVICE_NO_CHANGE),
                                   core.errorControl.value_or(SERVICE_NO_CHANGE), PtrOrNull(core.binaryPath),
                                   PtrOrNull(core.loadOrderGroup), nullptr, PtrOrNull(core.dependencies),
                                   PtrOrNull(core.account), PtrOrNull(core.password), PtrOrNull(core.displayName));
    DWORD error = ok ? ERROR_SUCCESS : GetLastError();
    WipeSecret(core.password);
    if (!ok) ThrowWin32(error, "ChangeServiceConfigW");
  }

  ServiceTarget mTarget;
  std::optional<CoreChanges> mCore;
  std::vector<Config2Change> mLevels;
};

}  // namespace

void RegisterConfigOps(Napi::Env env, Napi::Object exports) {
  RegisterOpWithSync<QueryConfigOp>(env, exports, "queryConfig");
  RegisterOp<ChangeConfigOp>(env, exports, "changeConfig");
}
