// The groups of native functions, each registered on the addon's exports by module.cc.
#pragma once
#include <napi.h>
#include "operation.h"

void RegisterStatusOps(Napi::Env env, Napi::Object exports);
void RegisterLifecycleOps(Napi::Env env, Napi::Object exports);
void RegisterControlOps(Napi::Env env, Napi::Object exports);
void RegisterStatusWait(Napi::Env env, Napi::Object exports);
void RegisterServiceWatch(Napi::Env env, Napi::Object exports);
void RegisterCommandLine(Napi::Env env, Napi::Object exports);
void RegisterServiceDispatcher(Napi::Env env, Napi::Object exports);
void RegisterProcessInfo(Napi::Env env, Napi::Object exports);
// The process table of command-defined services (lib/process-table.ts).
void RegisterProcessTable(Napi::Env env, Napi::Object exports);
void RegisterEventLog(Napi::Env env, Napi::Object exports);
void RegisterConfigOps(Napi::Env env, Napi::Object exports);
void RegisterSecurityOps(Napi::Env env, Napi::Object exports);
// What the service host (lib/host/) needs beyond the SCM.
void RegisterServiceParameters(Napi::Env env, Napi::Object exports);
void RegisterJobObject(Napi::Env env, Napi::Object exports);
void RegisterConsoleControl(Napi::Env env, Napi::Object exports);
void RegisterProcessAffinity(Napi::Env env, Napi::Object exports);
void RegisterAccountRights(Napi::Env env, Napi::Object exports);
void RegisterFileSecurity(Napi::Env env, Napi::Object exports);
void RegisterRegistrySecurity(Napi::Env env, Napi::Object exports);
