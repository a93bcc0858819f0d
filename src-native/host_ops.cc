// What the service host (lib/host/) needs beyond the SCM:
// - its settings, a string value under HKLM\SYSTEM\CurrentControlSet\Services\<name>\Parameters;
// - a job object holding the host and everything it starts, killed when the host dies
//   (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so no program process outlives the service;
// - a console control event (Ctrl+C / Ctrl+Break) sent to a console program it supervises;
// - the processors the program may run on (its affinity).
#include <windows.h>
#include <vector>
#include "args.h"
#include "operations.h"
#include "reg_key.h"
#include "win32_error.h"

namespace {

const wchar_t kServicesKey[] = L"SYSTEM\\CurrentControlSet\\Services\\";

std::wstring ParametersPath(const std::wstring& service) { return std::wstring(kServicesKey) + service + L"\\Parameters"; }

// A service name must not climb out of its own key.
void CheckServiceKeyName(const Napi::CallbackInfo& info, const std::wstring& name) {
  if (name.empty() || name.find_first_of(L"\\/") != std::wstring::npos) {
    throw Napi::RangeError::New(info.Env(), "service name must be non-empty and contain no '\\' or '/'");
  }
}

// The (service, valueName) every parameter op starts with, the service name checked.
struct ParameterTarget {
  std::wstring service;
  std::wstring value;
};

ParameterTarget ReadParameterTarget(const Napi::CallbackInfo& info, const char* usage) {
  Args args(info, usage);
  ParameterTarget target{args.String(0), args.String(1)};
  CheckServiceKeyName(info, target.service);
  return target;
}

// Opens Services\<service>\Parameters with `access`; false when the key (or the service's) is missing.
bool OpenParameters(const std::wstring& service, REGSAM access, RegKey& params) {
  LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, ParametersPath(service).c_str(), 0, access, params.Out());
  if (rc == ERROR_FILE_NOT_FOUND) return false;
  if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegOpenKeyExW");
  return true;
}

// writeServiceParameter(service, valueName, text): REG_SZ value under Services\<service>\Parameters
// (the key is created when missing; the service key itself must exist).
class WriteServiceParameterOp {
 public:
  explicit WriteServiceParameterOp(const Napi::CallbackInfo& info) {
    const char* usage = "writeServiceParameter(service, valueName, text)";
    mTarget = ReadParameterTarget(info, usage);
    mText = Args(info, usage).String(2);
  }
  void Execute() {
    RegKey service, params;
    // Refuse to create the service's own key: that would fake a service the SCM does not know.
    std::wstring servicePath = std::wstring(kServicesKey) + mTarget.service;
    LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, servicePath.c_str(), 0, KEY_CREATE_SUB_KEY, service.Out());
    if (rc != ERROR_SUCCESS) ThrowWin32(rc == ERROR_FILE_NOT_FOUND ? ERROR_SERVICE_DOES_NOT_EXIST : rc, "RegOpenKeyExW");
    rc = RegCreateKeyExW(service.Get(), L"Parameters", 0, nullptr, 0, KEY_SET_VALUE, nullptr, params.Out(), nullptr);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegCreateKeyExW");
    rc = SetStringValue(params.Get(), mTarget.value.c_str(), REG_SZ, mText);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegSetValueExW");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  ParameterTarget mTarget;
  std::wstring mText;
};

// readServiceParameter(service, valueName) -> string | null (null: no such key or value).
class ReadServiceParameterOp {
 public:
  explicit ReadServiceParameterOp(const Napi::CallbackInfo& info)
      : mTarget(ReadParameterTarget(info, "readServiceParameter(service, valueName)")) {}
  void Execute() {
    RegKey params;
    if (!OpenParameters(mTarget.service, KEY_QUERY_VALUE, params)) return;
    for (int attempt = 0; attempt < 4; ++attempt) {
      DWORD type = 0, bytes = 0;
      LSTATUS rc = RegQueryValueExW(params.Get(), mTarget.value.c_str(), nullptr, &type, nullptr, &bytes);
      if (rc == ERROR_FILE_NOT_FOUND) return;
      if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegQueryValueExW");
      if (type != REG_SZ && type != REG_EXPAND_SZ) ThrowWin32(ERROR_INVALID_DATA, "RegQueryValueExW");
      std::vector<wchar_t> buffer(bytes / sizeof(wchar_t) + 1, L'\0');
      DWORD size = static_cast<DWORD>(buffer.size() * sizeof(wchar_t));
      rc = RegQueryValueExW(params.Get(), mTarget.value.c_str(), nullptr, &type, reinterpret_cast<BYTE*>(buffer.data()), &size);
      if (rc == ERROR_MORE_DATA) continue;  // grew in between
      if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegQueryValueExW");
      size_t chars = size / sizeof(wchar_t);
      while (chars > 0 && buffer[chars - 1] == L'\0') --chars;
      mText.assign(buffer.data(), chars);
      mFound = true;
      return;
    }
    ThrowWin32(ERROR_MORE_DATA, "RegQueryValueExW");
  }
  Napi::Value Result(Napi::Env env) {
    if (!mFound) return env.Null();
    return WideToJs(env, mText.c_str(), mText.size());
  }

 private:
  ParameterTarget mTarget;
  std::wstring mText;
  bool mFound = false;
};

// deleteServiceParameter(service, valueName) -> whether a value was deleted.
class DeleteServiceParameterOp {
 public:
  explicit DeleteServiceParameterOp(const Napi::CallbackInfo& info)
      : mTarget(ReadParameterTarget(info, "deleteServiceParameter(service, valueName)")) {}
  void Execute() {
    RegKey params;
    if (!OpenParameters(mTarget.service, KEY_SET_VALUE, params)) return;
    LSTATUS rc = RegDeleteValueW(params.Get(), mTarget.value.c_str());
    if (rc == ERROR_FILE_NOT_FOUND) return;
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegDeleteValueW");
    mDeleted = true;
  }
  Napi::Value Result(Napi::Env env) { return Napi::Boolean::New(env, mDeleted); }

 private:
  ParameterTarget mTarget;
  bool mDeleted = false;
};

// The host's job. Never closed explicitly: the handle closes when the host process ends, however
// it ends, and KILL_ON_JOB_CLOSE then terminates every process still in the job.
HANDLE gHostJob = nullptr;

Napi::Value ThrowAsJs(Napi::Env env, DWORD code, const char* syscall) {
  throw MakeWin32Error(env, Win32Failure{code, syscall});
}

// enterKillOnCloseJob(allowBreakaway) -> true when this call created the job.
// Creates a job with KILL_ON_JOB_CLOSE (and BREAKAWAY_OK when asked, so a program may start a
// process with CREATE_BREAKAWAY_FROM_JOB on purpose) and puts this process in it: every process
// started afterwards, and all of theirs, is in the job too.
Napi::Value EnterKillOnCloseJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "enterKillOnCloseJob(allowBreakaway)");
  bool allowBreakaway = args.Bool(0);
  if (gHostJob != nullptr) return Napi::Boolean::New(env, false);
  HANDLE job = CreateJobObjectW(nullptr, nullptr);
  if (job == nullptr) return ThrowAsJs(env, GetLastError(), "CreateJobObjectW");
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | (allowBreakaway ? JOB_OBJECT_LIMIT_BREAKAWAY_OK : 0);
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof(limits))) {
    DWORD error = GetLastError();
    CloseHandle(job);
    return ThrowAsJs(env, error, "SetInformationJobObject");
  }
  if (!AssignProcessToJobObject(job, GetCurrentProcess())) {
    DWORD error = GetLastError();
    CloseHandle(job);
    return ThrowAsJs(env, error, "AssignProcessToJobObject");
  }
  gHostJob = job;
  return Napi::Boolean::New(env, true);
}

std::vector<DWORD> JobProcessIds(Napi::Env env) {
  std::vector<DWORD> pids;
  if (gHostJob == nullptr) return pids;
  for (DWORD capacity = 64; capacity <= 65536; capacity *= 4) {
    std::vector<BYTE> buffer(sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + capacity * sizeof(ULONG_PTR));
    auto* list = reinterpret_cast<JOBOBJECT_BASIC_PROCESS_ID_LIST*>(buffer.data());
    list->NumberOfAssignedProcesses = capacity;
    if (QueryInformationJobObject(gHostJob, JobObjectBasicProcessIdList, list, static_cast<DWORD>(buffer.size()), nullptr) ||
        GetLastError() == ERROR_MORE_DATA) {
      if (list->NumberOfProcessIdsInList < list->NumberOfAssignedProcesses) continue;
      for (DWORD i = 0; i < list->NumberOfProcessIdsInList; ++i) pids.push_back(static_cast<DWORD>(list->ProcessIdList[i]));
      return pids;
    }
    ThrowAsJs(env, GetLastError(), "QueryInformationJobObject");
  }
  return pids;
}

// jobProcessIds() -> the ids of the processes in the host's job, the host included ([] without a job).
Napi::Value GetJobProcessIds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<DWORD> pids = JobProcessIds(env);
  Napi::Array out = Napi::Array::New(env, pids.size());
  for (size_t i = 0; i < pids.size(); ++i) out.Set(static_cast<uint32_t>(i), static_cast<double>(pids[i]));
  return out;
}

// terminateJobProcesses(exitCode) -> how many processes of the job, other than the host, were
// terminated. Repeats while new ones appear (a process starting one as it is killed).
Napi::Value TerminateJobProcesses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "terminateJobProcesses(exitCode)");
  DWORD exitCode = args.Uint32(0);
  DWORD self = GetCurrentProcessId();
  uint32_t killed = 0;
  for (int round = 0; round < 20; ++round) {
    bool any = false;
    for (DWORD pid : JobProcessIds(env)) {
      if (pid == self) continue;
      HANDLE process = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid);
      if (process == nullptr) continue;  // already gone
      if (TerminateProcess(process, exitCode)) {
        ++killed;
        any = true;
        WaitForSingleObject(process, 2000);
      }
      CloseHandle(process);
    }
    if (!any) break;
  }
  return Napi::Number::New(env, killed);
}

// sendConsoleCtrl(pid, event) -> whether the event was generated.
// event 0 = CTRL_C_EVENT, 1 = CTRL_BREAK_EVENT, sent to every process attached to the console of
// `pid`. Only a host without a console (a service) can do it: it attaches to the program's console
// for the call and ignores the event itself (SetConsoleCtrlHandler(NULL, TRUE) for Ctrl+C, a
// handler that swallows Ctrl+Break), so only the program and its console-sharing children see it.
// A host that has a console (debug mode) shares it with the program, which then got the user's
// Ctrl+C already: false, nothing sent.
BOOL WINAPI SwallowCtrl(DWORD event) { return event == CTRL_BREAK_EVENT || event == CTRL_C_EVENT; }

Napi::Value SendConsoleCtrl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "sendConsoleCtrl(pid, event)");
  DWORD pid = args.Uint32(0);
  DWORD event = args.Uint32(1);
  if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) throw Napi::RangeError::New(env, "event must be 0 (Ctrl+C) or 1 (Ctrl+Break)");
  if (!AttachConsole(pid)) {
    DWORD error = GetLastError();
    if (error == ERROR_ACCESS_DENIED) return Napi::Boolean::New(env, false);  // we have a console already
    return ThrowAsJs(env, error, "AttachConsole");
  }
  static bool swallowing = false;
  if (!swallowing) {
    SetConsoleCtrlHandler(SwallowCtrl, TRUE);
    SetConsoleCtrlHandler(nullptr, TRUE);
    swallowing = true;
  }
  BOOL ok = GenerateConsoleCtrlEvent(event, 0);
  DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  FreeConsole();
  if (!ok) return ThrowAsJs(env, error, "GenerateConsoleCtrlEvent");
  return Napi::Boolean::New(env, true);
}

// setProcessAffinity(pid, cpus[]): restricts a process (the hosted program) to the given logical
// processors of its processor group (0-63). Node has no API for it.
Napi::Value SetProcessAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "setProcessAffinity(pid, cpus)");
  DWORD pid = args.Uint32(0);
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "cpus must be an array of processor numbers");
  Napi::Array cpus = info[1].As<Napi::Array>();
  DWORD_PTR mask = 0;
  for (uint32_t i = 0; i < cpus.Length(); ++i) {
    Napi::Value cpu = cpus.Get(i);
    if (!cpu.IsNumber()) throw Napi::TypeError::New(env, "cpus must be an array of processor numbers");
    double n = cpu.As<Napi::Number>().DoubleValue();
    if (n < 0 || n >= static_cast<double>(sizeof(DWORD_PTR) * 8) || n != static_cast<double>(static_cast<int>(n))) {
      throw Napi::RangeError::New(env, "a processor number must be a whole number from 0 to 63");
    }
    mask |= static_cast<DWORD_PTR>(1) << static_cast<int>(n);
  }
  if (mask == 0) throw Napi::RangeError::New(env, "cpus must name at least one processor");
  HANDLE process = OpenProcess(PROCESS_SET_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (process == nullptr) return ThrowAsJs(env, GetLastError(), "OpenProcess");
  BOOL ok = SetProcessAffinityMask(process, mask);
  DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  CloseHandle(process);
  if (!ok) return ThrowAsJs(env, error, "SetProcessAffinityMask");
  return env.Undefined();
}

// getProcessAffinity(pid) -> { process: number[], system: number[] }: the processors a process
// may run on, and those the system has.
Napi::Value GetProcessAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "getProcessAffinity(pid)");
  DWORD pid = args.Uint32(0);
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (process == nullptr) return ThrowAsJs(env, GetLastError(), "OpenProcess");
  DWORD_PTR processMask = 0;
  DWORD_PTR systemMask = 0;
  BOOL ok = GetProcessAffinityMask(process, &processMask, &systemMask);
  DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  CloseHandle(process);
  if (!ok) return ThrowAsJs(env, error, "GetProcessAffinityMask");
  auto toArray = [&](DWORD_PTR mask) {
    Napi::Array out = Napi::Array::New(env);
    uint32_t n = 0;
    for (int cpu = 0; cpu < static_cast<int>(sizeof(DWORD_PTR) * 8); ++cpu) {
      if (mask & (static_cast<DWORD_PTR>(1) << cpu)) out.Set(n++, Napi::Number::New(env, cpu));
    }
    return out;
  };
  Napi::Object out = Napi::Object::New(env);
  out.Set("process", toArray(processMask));
  out.Set("system", toArray(systemMask));
  return out;
}

}  // namespace

void RegisterHostOps(Napi::Env env, Napi::Object exports) {
  RegisterOp<WriteServiceParameterOp>(env, exports, "writeServiceParameter");
  RegisterOp<ReadServiceParameterOp>(env, exports, "readServiceParameter");
  RegisterOp<DeleteServiceParameterOp>(env, exports, "deleteServiceParameter");
  exports.Set("enterKillOnCloseJob", Napi::Function::New(env, EnterKillOnCloseJob, "enterKillOnCloseJob"));
  exports.Set("jobProcessIds", Napi::Function::New(env, GetJobProcessIds, "jobProcessIds"));
  exports.Set("terminateJobProcesses", Napi::Function::New(env, TerminateJobProcesses, "terminateJobProcesses"));
  exports.Set("sendConsoleCtrl", Napi::Function::New(env, SendConsoleCtrl, "sendConsoleCtrl"));
  exports.Set("setProcessAffinity", Napi::Function::New(env, SetProcessAffinity, "setProcessAffinity"));
  exports.Set("getProcessAffinity", Napi::Function::New(env, GetProcessAffinity, "getProcessAffinity"));
}
