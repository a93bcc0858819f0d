// Read-only queries: status of one service, enumeration, and name resolution.
#include <vector>
#include "args.h"
#include "operations.h"
#include "query_buffer.h"
#include "scm_access.h"

namespace {

// One service of an enumeration. A service created without a display name has none under Wine
// (a null pointer): Windows shows the key name in that case, and so do we.
struct Entry {
  Entry(const wchar_t* serviceName, const wchar_t* display, const SERVICE_STATUS_PROCESS& s)
      : name(serviceName), displayName(display ? display : serviceName), status(s) {}
  std::wstring name;
  std::wstring displayName;
  SERVICE_STATUS_PROCESS status;
};

Napi::Array EntriesToJs(Napi::Env env, const std::vector<Entry>& entries) {
  Napi::Array out = Napi::Array::New(env, entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Napi::Object item = StatusToJs(env, entries[i].status);
    item.Set("name", WideToJs(env, entries[i].name.c_str()));
    item.Set("displayName", WideToJs(env, entries[i].displayName.c_str()));
    out.Set(static_cast<uint32_t>(i), item);
  }
  return out;
}

class QueryStatusOp {
 public:
  explicit QueryStatusOp(const Napi::CallbackInfo& info)
      : mTarget(ReadServiceTarget(info, "queryStatus(system, database, name)")) {}
  void Execute() {
    ScHandle service = OpenTargetService(mTarget, SERVICE_QUERY_STATUS);
    mStatus = QueryStatus(service.Get());
  }
  Napi::Value Result(Napi::Env env) { return StatusToJs(env, mStatus); }

 private:
  ServiceTarget mTarget;
  SERVICE_STATUS_PROCESS mStatus{};
};

// EnumServicesStatusExW: a size probe, then one call with the exact size (an oversized buffer is
// far slower under Wine), repeated while the SCM reports more data (Windows pages large results).
class EnumStatusOp {
 public:
  explicit EnumStatusOp(const Napi::CallbackInfo& info) {
    const char* usage = "enumStatus(system, database, typeMask, stateMask, group)";
    Args args(info, usage);
    mManager = ReadManagerTarget(info, usage);
    mTypeMask = args.Uint32(2);
    mStateMask = args.Uint32(3);
    mGroup = args.OptString(4);
  }
  void Execute() {
    ScHandle manager = OpenManager(mManager.system, mManager.database, SC_MANAGER_ENUMERATE_SERVICE);
    DWORD resume = 0;
    std::vector<BYTE> buffer;
    for (;;) {
      DWORD needed = 0, returned = 0;
      BOOL ok = EnumServicesStatusExW(manager.Get(), SC_ENUM_PROCESS_INFO, mTypeMask, mStateMask,
                                      buffer.empty() ? nullptr : buffer.data(), static_cast<DWORD>(buffer.size()),
                                      &needed, &returned, &resume, PtrOrNull(mGroup));
      DWORD error = ok ? ERROR_SUCCESS : GetLastError();
      if (!ok && error != ERROR_MORE_DATA) ThrowWin32(error, "EnumServicesStatusExW");
      auto* entries = reinterpret_cast<ENUM_SERVICE_STATUS_PROCESSW*>(buffer.data());
      for (DWORD i = 0; i < returned; ++i) {
        mEntries.emplace_back(entries[i].lpServiceName, entries[i].lpDisplayName, entries[i].ServiceStatusProcess);
      }
      if (ok) break;
      // ERROR_MORE_DATA: grow to what the SCM asked for; if nothing fit and it asks for no more
      // than we have, the SCM is not making progress, so stop instead of looping forever.
      if (returned == 0 && needed <= buffer.size()) ThrowWin32(error, "EnumServicesStatusExW");
      if (needed > buffer.size()) buffer.assign(needed, 0);
    }
  }
  Napi::Value Result(Napi::Env env) { return EntriesToJs(env, mEntries); }

 private:
  ManagerTarget mManager;
  DWORD mTypeMask = 0;
  DWORD mStateMask = 0;
  OptionalWide mGroup;
  std::vector<Entry> mEntries;
};

// GetServiceKeyNameW / GetServiceDisplayNameW: the size query reports the length in characters
// without the terminating NUL (Windows and Wine agree), so allocate one more and retry.
template <typename Fn>
bool QueryName(Fn fn, SC_HANDLE manager, const std::wstring& name, std::wstring& out, const char* syscall) {
  std::vector<wchar_t> buffer(257);
  for (int attempt = 0; attempt < 4; ++attempt) {
    DWORD size = static_cast<DWORD>(buffer.size());
    if (fn(manager, name.c_str(), buffer.data(), &size)) {
      out.assign(buffer.data());
      return true;
    }
    DWORD error = GetLastError();
    if (error == ERROR_SERVICE_DOES_NOT_EXIST) return false;
    if (error != ERROR_INSUFFICIENT_BUFFER) ThrowWin32(error, syscall);
    buffer.assign(static_cast<size_t>(size) + 2, L'\0');
  }
  ThrowWin32(ERROR_INSUFFICIENT_BUFFER, syscall);
}

// Resolves a name that may be either the internal (key) name or the display name, as twapi's
// service_exists / get_service_internal_name / get_service_display_name accept either.
// Result: { name, displayName } with the SCM's own spelling, or null when no service matches.
class ResolveNameOp {
 public:
  explicit ResolveNameOp(const Napi::CallbackInfo& info)
      : mTarget(ReadServiceTarget(info, "resolveName(system, database, name)")) {}
  void Execute() {
    ConnectManager manager(mTarget.system, mTarget.database);
    std::wstring display, key;
    if (QueryName(GetServiceDisplayNameW, manager.Get(), mTarget.name, display, "GetServiceDisplayNameW")) {
      // An internal name: ask for the key name back to get the SCM's spelling of it.
      if (!QueryName(GetServiceKeyNameW, manager.Get(), display, key, "GetServiceKeyNameW")) key = mTarget.name;
    } else if (QueryName(GetServiceKeyNameW, manager.Get(), mTarget.name, key, "GetServiceKeyNameW")) {
      if (!QueryName(GetServiceDisplayNameW, manager.Get(), key, display, "GetServiceDisplayNameW")) display = mTarget.name;
    } else {
      return;
    }
    mFound = true;
    mKey = key;
    mDisplay = display;
  }
  Napi::Value Result(Napi::Env env) {
    if (!mFound) return env.Null();
    Napi::Object out = Napi::Object::New(env);
    out.Set("name", WideToJs(env, mKey.c_str()));
    out.Set("displayName", WideToJs(env, mDisplay.c_str()));
    return out;
  }

 private:
  ServiceTarget mTarget;
  bool mFound = false;
  std::wstring mKey;
  std::wstring mDisplay;
};

// EnumDependentServicesW: services that depend on this one, with their status. It has no
// resume handle (no paging, unlike EnumServicesStatusExW): the size probe, then one call that
// returns them all, the common growing-buffer loop with ERROR_MORE_DATA as its "too small".
class EnumDependentsOp {
 public:
  explicit EnumDependentsOp(const Napi::CallbackInfo& info) {
    const char* usage = "enumDependents(system, database, name, stateMask)";
    mTarget = ReadServiceTarget(info, usage);
    mStateMask = Args(info, usage).Uint32(3);
  }
  void Execute() {
    ScHandle service = OpenTargetService(mTarget, SERVICE_ENUMERATE_DEPENDENTS);
    DWORD returned = 0;
    std::vector<BYTE> buffer = QueryWithGrowingBuffer(
        "EnumDependentServicesW",
        [&](BYTE* data, DWORD size, DWORD* needed) {
          returned = 0;
          return EnumDependentServicesW(service.Get(), mStateMask, reinterpret_cast<ENUM_SERVICE_STATUSW*>(data), size,
                                        needed, &returned);
        },
        ERROR_MORE_DATA);
    auto* entries = reinterpret_cast<ENUM_SERVICE_STATUSW*>(buffer.data());
    for (DWORD i = 0; i < returned; ++i) {
      mEntries.emplace_back(entries[i].lpServiceName, entries[i].lpDisplayName, ToStatusProcess(entries[i].ServiceStatus));
    }
  }
  Napi::Value Result(Napi::Env env) { return EntriesToJs(env, mEntries); }

 private:
  ServiceTarget mTarget;
  DWORD mStateMask = SERVICE_STATE_ALL;
  std::vector<Entry> mEntries;
};

}  // namespace

void RegisterStatusOps(Napi::Env env, Napi::Object exports) {
  RegisterOpWithSync<QueryStatusOp>(env, exports, "queryStatus");
  RegisterOpWithSync<EnumStatusOp>(env, exports, "enumStatus");
  RegisterOpWithSync<ResolveNameOp>(env, exports, "resolveName");
  RegisterOpWithSync<EnumDependentsOp>(env, exports, "enumDependents");
}
