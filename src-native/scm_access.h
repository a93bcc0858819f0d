// Opening the SCM and services. Every caller names the least access its Win32 calls need, so a
// status query works for a non-administrator (SC_MANAGER_CONNECT + SERVICE_QUERY_STATUS).
#pragma once
#include <napi.h>
#include "sc_handle.h"
#include "strings.h"

// The twapi standard options plus the service name, as every operation receives them first:
// (system | null, database | null, name).
struct ServiceTarget {
  OptionalWide system;
  OptionalWide database;
  std::wstring name;
};

struct ManagerTarget {
  OptionalWide system;
  OptionalWide database;
};

// Whether this process runs under Wine, whose SCM lacks some Windows behaviour (docs/wine.md).
bool UnderWine();

ManagerTarget ReadManagerTarget(const Napi::CallbackInfo& info, const char* usage);
ServiceTarget ReadServiceTarget(const Napi::CallbackInfo& info, const char* usage);

ScHandle OpenManager(const OptionalWide& system, const OptionalWide& database, DWORD access);
ScHandle OpenServiceHandle(SC_HANDLE manager, const std::wstring& name, DWORD access);
// An SC_MANAGER_CONNECT manager: for the local active database the process's shared one (kept
// open for the life of the process; a thread that impersonates gets its own), otherwise one
// opened for this caller and closed with it.
class ConnectManager {
 public:
  ConnectManager(const OptionalWide& system, const OptionalWide& database);
  SC_HANDLE Get() const { return mShared != nullptr ? mShared : mOwned.Get(); }
  // Right after a call on the shared handle failed: if it failed with ERROR_INVALID_HANDLE (the
  // SCM restarted), switches to a fresh handle and returns true for the caller to try again.
  bool ReplaceDeadShared();

 private:
  SC_HANDLE mShared = nullptr;
  ScHandle mOwned;
};

// OpenServiceW(access) through a ConnectManager.
ScHandle OpenTargetService(const ServiceTarget& target, DWORD access);

SERVICE_STATUS_PROCESS QueryStatus(SC_HANDLE service);
// QueryServiceStatusEx without throwing: false (GetLastError() set) leaves `out` as it was.
bool TryQueryStatus(SC_HANDLE service, SERVICE_STATUS_PROCESS& out);
// A SERVICE_STATUS (ControlService, EnumDependentServicesW) as the full record: no process id or flags (0).
SERVICE_STATUS_PROCESS ToStatusProcess(const SERVICE_STATUS& status);
Napi::Object StatusToJs(Napi::Env env, const SERVICE_STATUS_PROCESS& status);
