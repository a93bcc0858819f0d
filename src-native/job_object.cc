// The service host's job object: the host and everything it starts, killed when the host dies
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so no program process outlives the service.
#include <windows.h>
#include <psapi.h>
#include <map>
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

// The programs' own jobs in a shared host (one per run of a program, createProgramJob), by id.
// Raw HANDLEs for the same reason as gHostJob: the host's end closes them, and KILL_ON_JOB_CLOSE
// then ends what each still holds.
std::map<uint32_t, HANDLE> gProgramJobs;
uint32_t gNextProgramJob = 1;

// A job with KILL_ON_JOB_CLOSE, and BREAKAWAY_OK when asked.
UniqueHandle NewKillOnCloseJob(Napi::Env env, bool allowBreakaway) {
  UniqueHandle job(CreateJobObjectW(nullptr, nullptr));
  if (!job) throw MakeWin32Error(env, Win32Failure{GetLastError(), "CreateJobObjectW"});
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | (allowBreakaway ? JOB_OBJECT_LIMIT_BREAKAWAY_OK : 0);
  if (!SetInformationJobObject(job.Get(), JobObjectExtendedLimitInformation, &limits, sizeof(limits))) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "SetInformationJobObject"});
  }
  return job;
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
  UniqueHandle job = NewKillOnCloseJob(env, allowBreakaway);
  if (!AssignProcessToJobObject(job.Get(), GetCurrentProcess())) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "AssignProcessToJobObject"});
  }
  gHostJob = job.Release();
  return Napi::Boolean::New(env, true);
}

// The ids of the processes in `jobHandle`, the host included when it is the host's job (none
// without a job): QueryInformationJobObject(JobObjectBasicProcessIdList), the buffer grown while
// the list does not fit (ERROR_MORE_DATA, or fewer ids in the list than processes in the job).
// Any thread; throws Win32Exception.
std::vector<DWORD> QueryJobProcessIds(HANDLE jobHandle) {
  std::vector<DWORD> pids;
  if (jobHandle == nullptr) return pids;
  for (DWORD capacity = 64; capacity <= 65536; capacity *= 4) {
    std::vector<BYTE> buffer(sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + capacity * sizeof(ULONG_PTR));
    auto* list = reinterpret_cast<JOBOBJECT_BASIC_PROCESS_ID_LIST*>(buffer.data());
    list->NumberOfAssignedProcesses = capacity;
    if (QueryInformationJobObject(jobHandle, JobObjectBasicProcessIdList, list, static_cast<DWORD>(buffer.size()), nullptr) ||
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
std::vector<DWORD> JobProcessIds(Napi::Env env, HANDLE jobHandle) {
  try {
    return QueryJobProcessIds(jobHandle);
  } catch (const Win32Exception& e) {
    throw MakeWin32Error(env, e.failure);
  }
}

// Terminates the processes of `jobHandle` other than this one; how many. Repeats while new ones
// appear (a process starting one as it is killed).
uint32_t TerminateProcessesOf(Napi::Env env, HANDLE jobHandle, DWORD exitCode) {
  DWORD self = GetCurrentProcessId();
  uint32_t killed = 0;
  for (int round = 0; round < 20; ++round) {
    bool any = false;
    for (DWORD pid : JobProcessIds(env, jobHandle)) {
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
  return killed;
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
      pids = QueryJobProcessIds(gHostJob);
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

// terminateJobProcesses(exitCode) -> how many processes of the host's job, other than the host,
// were terminated.
Napi::Value TerminateJobProcesses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "terminateJobProcesses(exitCode)");
  return Napi::Number::New(env, TerminateProcessesOf(env, gHostJob, args.Uint32(0)));
}

// createProgramJob(pid, allowBreakaway) -> id. A shared host's program gets a job of its own
// (KILL_ON_JOB_CLOSE, BREAKAWAY_OK when asked): the host cannot be in one job per service. The
// program is already in libuv's job, so this one nests in it as the program's immediate job,
// which allows no silent breakaway: the program's children stay in it (Windows 8+ nested jobs).
Napi::Value CreateProgramJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "createProgramJob(pid, allowBreakaway)");
  DWORD pid = args.Uint32(0);
  bool allowBreakaway = args.Bool(1);
  UniqueHandle job = NewKillOnCloseJob(env, allowBreakaway);
  UniqueHandle process(OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, FALSE, pid));
  if (!process) throw MakeWin32Error(env, Win32Failure{GetLastError(), "OpenProcess"});
  if (!AssignProcessToJobObject(job.Get(), process.Get())) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "AssignProcessToJobObject"});
  }
  uint32_t id = gNextProgramJob++;
  gProgramJobs[id] = job.Release();
  return Napi::Number::New(env, id);
}

// terminateProgramJob(id, exitCode) -> how many processes of that job were terminated (0 for an
// unknown id).
Napi::Value TerminateProgramJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "terminateProgramJob(id, exitCode)");
  auto found = gProgramJobs.find(args.Uint32(0));
  if (found == gProgramJobs.end()) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, TerminateProcessesOf(env, found->second, args.Uint32(1)));
}

// closeProgramJob(id): closes the job (KILL_ON_JOB_CLOSE ends what is still in it). Unknown ids
// are ignored.
Napi::Value CloseProgramJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "closeProgramJob(id)");
  auto found = gProgramJobs.find(args.Uint32(0));
  if (found != gProgramJobs.end()) {
    CloseHandle(found->second);
    gProgramJobs.erase(found);
  }
  return env.Undefined();
}

}  // namespace

void RegisterJobObject(Napi::Env env, Napi::Object exports) {
  exports.Set("enterKillOnCloseJob", Napi::Function::New(env, EnterKillOnCloseJob, "enterKillOnCloseJob"));
  exports.Set("terminateJobProcesses", Napi::Function::New(env, TerminateJobProcesses, "terminateJobProcesses"));
  exports.Set("createProgramJob", Napi::Function::New(env, CreateProgramJob, "createProgramJob"));
  exports.Set("terminateProgramJob", Napi::Function::New(env, TerminateProgramJob, "terminateProgramJob"));
  exports.Set("closeProgramJob", Napi::Function::New(env, CloseProgramJob, "closeProgramJob"));
  RegisterOp<ProcessMemoryOp>(env, exports, "processMemory");
}
