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
// OpenServiceW(access) for a service of the local active database through the process's shared
// SC_MANAGER_CONNECT handle (kept open for the life of the process; a thread that impersonates
// gets its own), otherwise OpenManager(SC_MANAGER_CONNECT) then OpenServiceHandle(access).
ScHandle OpenTargetService(const ServiceTarget& target, DWORD access);

SERVICE_STATUS_PROCESS QueryStatus(SC_HANDLE service);
// QueryServiceStatusEx without throwing: false (GetLastError() set) leaves `out` as it was.
bool TryQueryStatus(SC_HANDLE service, SERVICE_STATUS_PROCESS& out);
// A SERVICE_STATUS (ControlService, EnumDependentServicesW) as the full record: no process id or flags (0).
SERVICE_STATUS_PROCESS ToStatusProcess(const SERVICE_STATUS& status);
Napi::Object StatusToJs(Napi::Env env, const SERVICE_STATUS_PROCESS& status);
