// The service host's job object: the host and everything it starts, killed when the host dies
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so no program process outlives the service.
#include <windows.h>
#include <psapi.h>
#include <optional>
#include <utility>
#include <vector>
#include "args.h"
#include "js_values.h"
#include "operations.h"
#include "unique_handle.h"
#include "win32_error.h"

namespace {

// The host's job. Deliberately never closed (a raw HANDLE, not a UniqueHandle): it closes when the
// host process ends, however it ends, and KILL_ON_JOB_CLOSE then terminates every process still in
// the job. Closing it from a static destructor during exit would kill the host itself mid-exit.
HANDLE gHostJob = nullptr;

// enterKillOnCloseJob(allowBreakaway) -> true when this call created the job.
// Creates a job with KILL_ON_JOB_CLOSE (and BREAKAWAY_OK when asked, so a program may start a
// process with CREATE_BREAKAWAY_FROM_JOB on purpose) and puts this process in it: every process
// started afterwards, and all of theirs, is in the job too.
Napi::Value EnterKillOnCloseJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "enterKillOnCloseJob(allowBreakaway)");
  bool allowBreakaway = args.Bool(0);
  if (gHostJob != nullptr) return Napi::Boolean::New(env, false);
  UniqueHandle job(CreateJobObjectW(nullptr, nullptr));
  if (!job) throw MakeWin32Error(env, Win32Failure{GetLastError(), "CreateJobObjectW"});
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | (allowBreakaway ? JOB_OBJECT_LIMIT_BREAKAWAY_OK : 0);
  if (!SetInformationJobObject(job.Get(), JobObjectExtendedLimitInformation, &limits, sizeof(limits))) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "SetInformationJobObject"});
  }
  if (!AssignProcessToJobObject(job.Get(), GetCurrentProcess())) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "AssignProcessToJobObject"});
  }
  gHostJob = job.Release();
  return Napi::Boolean::New(env, true);
}

// The ids of the processes in the host's job, the host included (none without a job):
// QueryInformationJobObject(JobObjectBasicProcessIdList), the buffer grown while the list does
// not fit (ERROR_MORE_DATA, or fewer ids in the list than processes in the job). Any thread;
// throws Win32Exception.
std::vector<DWORD> QueryJobProcessIds() {
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
    ThrowLastError("QueryInformationJobObject");
  }
  return pids;
}

// The same on the main thread, failures as JS errors.
std::vector<DWORD> JobProcessIds(Napi::Env env) {
  try {
    return QueryJobProcessIds();
  } catch (const Win32Exception& e) {
    throw MakeWin32Error(env, e.failure);
  }
}

// processMemory(pids | null) -> [{ pid, privateBytes }], off the main thread: the private memory
// (the commit charge: PROCESS_MEMORY_COUNTERS_EX.PrivateUsage, documented as the same as
// PagefileUsage, which is 0 on Windows 7; Wine 8 leaves PrivateUsage 0 and gives PagefileUsage,
// so the first of the two that is not 0 is taken, docs/wine.md) of each process of `pids`, or of
// each process of the host's job when null ([] without a job). OpenProcess with
// PROCESS_QUERY_LIMITED_INFORMATION, then K32GetProcessMemoryInfo (kernel32 since Windows 7, so no
// psapi.lib). A process that cannot be opened (it exited meanwhile, or another user's) or queried
// is left out of the answer: the caller sums what is there.
struct ProcessMemoryOp {
  std::optional<std::vector<double>> requested;
  std::vector<std::pair<DWORD, double>> rows;

  explicit ProcessMemoryOp(const Napi::CallbackInfo& info) {
    Args args(info, "processMemory(pids)");
    if (!JsValues::IsAbsent(info[0])) requested = args.NumberArray(0);
  }

  void Execute() {
    std::vector<DWORD> pids;
    if (requested) {
      for (double pid : *requested) pids.push_back(static_cast<DWORD>(pid));
    } else {
      pids = QueryJobProcessIds();
    }
    for (DWORD pid : pids) {
      UniqueHandle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
      if (!process) continue;
      PROCESS_MEMORY_COUNTERS_EX counters{};
      counters.cb = sizeof(counters);
      if (!K32GetProcessMemoryInfo(process.Get(), reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&counters), sizeof(counters))) continue;
      SIZE_T bytes = counters.PrivateUsage != 0 ? counters.PrivateUsage : counters.PagefileUsage;
      rows.emplace_back(pid, static_cast<double>(bytes));
    }
  }

  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("pid", Napi::Number::New(env, rows[i].first));
      o.Set("privateBytes", Napi::Number::New(env, rows[i].second));
      out.Set(static_cast<uint32_t>(i), o);
    }
    return out;
  }
};

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
      UniqueHandle process(OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid));
      if (!process) continue;  // already gone
      if (TerminateProcess(process.Get(), exitCode)) {
        ++killed;
        any = true;
        WaitForSingleObject(process.Get(), 2000);
      }
    }
    if (!any) break;
  }
  return Napi::Number::New(env, killed);
}

}  // namespace

void RegisterJobObject(Napi::Env env, Napi::Object exports) {
  exports.Set("enterKillOnCloseJob", Napi::Function::New(env, EnterKillOnCloseJob, "enterKillOnCloseJob"));
  exports.Set("terminateJobProcesses", Napi::Function::New(env, TerminateJobProcesses, "terminateJobProcesses"));
  RegisterOp<ProcessMemoryOp>(env, exports, "processMemory");
}
