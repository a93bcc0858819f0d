// The raw Win32 baseline the benchmarks compare scm-native against: the same Service Control
// Manager call sequences the addon makes, in a plain C++ loop, timed per iteration with
// QueryPerformanceCounter. Only the loop is timed: the process start (which, under Wine, costs far
// more than the calls) never counts.
//
//   scm-loop.exe status <iterations> [service]   OpenSCManagerW(SC_MANAGER_CONNECT) +
//                                                OpenServiceW(SERVICE_QUERY_STATUS) +
//                                                QueryServiceStatusEx + 2x CloseServiceHandle
//   scm-loop.exe status-held <iterations> [service]
//                                                OpenServiceW(SERVICE_QUERY_STATUS) through one
//                                                SC_MANAGER_CONNECT handle opened before the loop +
//                                                QueryServiceStatusEx + CloseServiceHandle (what
//                                                the addon does for the local active database)
//   scm-loop.exe enum <iterations> [typeMask]    OpenSCManagerW(SC_MANAGER_ENUMERATE_SERVICE) +
//                                                EnumServicesStatusExW size probe + exact-size
//                                                call (SERVICE_STATE_ALL) + CloseServiceHandle
//
// Prints one JSON object on stdout: {"mode","iterations","warmup","us":[per-iteration microseconds], ...}
// with a check value (the state, or the number of services) so the caller can confirm both sides
// did the same work. Exit code 1 and {"error":...} on a Win32 failure.
//
// Client modes for a real service (bench/native/bench-service.cc or a runAsService fixture). They
// open the manager and the service once (outside the timing, as a hand-written client would), then
// run <iterations> cycles, separated by [gapMs] (default 20) of untimed sleep:
//
//   scm-loop.exe cycle-poll <iterations> <service> [gapMs]
//       StartServiceW, then QueryServiceStatusEx every 1 ms (Sleep(1) between queries) until
//       RUNNING; gap; ControlService(STOP), then the same polling until STOPPED; then (untimed)
//       waits for the service process to exit, and a gap.
//   scm-loop.exe cycle-notify <iterations> <service> [gapMs]
//       the same, but each wait is one NotifyServiceStatusChangeW registration on the service
//       handle (mask RUNNING|STOPPED after the start, STOPPED after the stop) and an alertable
//       SleepEx until its APC runs. No query first: a service already in a wanted state notifies
//       at once.
//   scm-loop.exe control-poll <iterations> <service> [gapMs]
//       ControlService(PAUSE) + 1 ms polling until PAUSED; gap; ControlService(CONTINUE) + polling
//       until RUNNING; gap. The service must be running.
//
// They print {"mode","iterations","qpcFrequency","cycles":[[t0,t1,polls1,t2,t3,polls2],...]}: raw
// QueryPerformanceCounter ticks before the first call of each leg (t0, t2) and when the wanted
// state was seen (t1, t3), and how many status queries each leg made (0 when waiting on a
// notification). Ticks share one clock with the service process and with node's hrtime.
//
//   scm-loop.exe now                              {"qpc":<ticks>,"qpcFrequency":<Hz>}
//   scm-loop.exe mem <pid>...                     GetProcessMemoryInfo of each process:
//       {"processes":[{"pid","workingSet","peakWorkingSet","privateUsage","pagefileUsage"},...]}
//
// Built by scripts/run-bench.js: x86_64-w64-mingw32-g++-posix -O2 -static.
#include <windows.h>
#include <winsvc.h>

#include <psapi.h>

#include <cstdio>
#include <cstdlib>
#include <cwchar>
#include <string>
#include <vector>

namespace {

constexpr long kWarmup = 3;

[[noreturn]] void Fail(const char* syscall) {
  DWORD error = GetLastError();
  std::printf("{\"error\":\"%s failed\",\"errno\":%lu}\n", syscall, static_cast<unsigned long>(error));
  std::fflush(stdout);
  std::exit(1);
}

double Elapsed(const LARGE_INTEGER& start, const LARGE_INTEGER& end, const LARGE_INTEGER& freq) {
  return static_cast<double>(end.QuadPart - start.QuadPart) * 1e6 / static_cast<double>(freq.QuadPart);
}

// One status query, exactly the addon's queryStatusSync sequence. Returns dwCurrentState.
DWORD StatusThrough(SC_HANDLE manager, const wchar_t* name) {
  SC_HANDLE service = OpenServiceW(manager, name, SERVICE_QUERY_STATUS);
  if (service == nullptr) Fail("OpenServiceW");
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status),
                            &needed)) {
    Fail("QueryServiceStatusEx");
  }
  CloseServiceHandle(service);
  return status.dwCurrentState;
}

DWORD StatusOnce(const wchar_t* name) {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) Fail("OpenSCManagerW");
  DWORD state = StatusThrough(manager, name);
  CloseServiceHandle(manager);
  return state;
}

// The manager handle status-held opens once, before its warm-up.
SC_HANDLE HeldManager() {
  static SC_HANDLE manager = [] {
    SC_HANDLE handle = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (handle == nullptr) Fail("OpenSCManagerW");
    return handle;
  }();
  return manager;
}

// One enumeration: a size probe, then one call with the exact size. Returns the number of services.
DWORD EnumOnce(DWORD typeMask) {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ENUMERATE_SERVICE);
  if (manager == nullptr) Fail("OpenSCManagerW");
  DWORD needed = 0, returned = 0, resume = 0;
  if (EnumServicesStatusExW(manager, SC_ENUM_PROCESS_INFO, typeMask, SERVICE_STATE_ALL, nullptr, 0, &needed,
                            &returned, &resume, nullptr)) {
    CloseServiceHandle(manager);
    return returned;  // nothing to enumerate
  }
  if (GetLastError() != ERROR_MORE_DATA) Fail("EnumServicesStatusExW (size probe)");
  std::vector<BYTE> buffer(needed);
  resume = 0;
  if (!EnumServicesStatusExW(manager, SC_ENUM_PROCESS_INFO, typeMask, SERVICE_STATE_ALL, buffer.data(),
                             static_cast<DWORD>(buffer.size()), &needed, &returned, &resume, nullptr)) {
    Fail("EnumServicesStatusExW");
  }
  CloseServiceHandle(manager);
  return returned;
}

constexpr double kLegTimeoutMs = 15000;

long long Ticks() {
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  return now.QuadPart;
}

// Polls every 1 ms until the service is in `wanted`; returns the last status and the number of
// queries. Fails on `bad` (e.g. STOPPED while starting) or after kLegTimeoutMs.
SERVICE_STATUS_PROCESS PollUntil(SC_HANDLE service, DWORD wanted, DWORD bad, const LARGE_INTEGER& freq, long* polls) {
  long long start = Ticks();
  for (*polls = 1;; ++*polls) {
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status),
                              &needed)) {
      Fail("QueryServiceStatusEx");
    }
    if (status.dwCurrentState == wanted) return status;
    if (bad != 0 && status.dwCurrentState == bad) {
      SetLastError(ERROR_SERVICE_SPECIFIC_ERROR);
      Fail("wait (service reached the wrong state)");
    }
    if (static_cast<double>(Ticks() - start) * 1000.0 / static_cast<double>(freq.QuadPart) > kLegTimeoutMs) {
      SetLastError(WAIT_TIMEOUT);
      Fail("wait (timeout)");
    }
    Sleep(1);
  }
}

void CALLBACK OnNotify(PVOID context) {
  auto* notify = static_cast<SERVICE_NOTIFYW*>(context);
  *static_cast<bool*>(notify->pContext) = true;
}

// One NotifyServiceStatusChangeW registration and an alertable wait for its APC. Fails unless the
// service ends up in `wanted`.
SERVICE_STATUS_PROCESS NotifyUntil(SC_HANDLE service, DWORD mask, DWORD wanted) {
  bool fired = false;
  SERVICE_NOTIFYW notify{};
  notify.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE;
  notify.pfnNotifyCallback = OnNotify;
  notify.pContext = &fired;
  DWORD error = NotifyServiceStatusChangeW(service, mask, &notify);
  if (error != ERROR_SUCCESS) {
    SetLastError(error);
    Fail("NotifyServiceStatusChangeW");
  }
  while (!fired) {
    if (SleepEx(static_cast<DWORD>(kLegTimeoutMs), TRUE) == 0) {
      SetLastError(WAIT_TIMEOUT);
      Fail("NotifyServiceStatusChangeW (no notification)");
    }
  }
  if (notify.dwNotificationStatus != ERROR_SUCCESS) {
    SetLastError(notify.dwNotificationStatus);
    Fail("NotifyServiceStatusChangeW (notification status)");
  }
  if (notify.ServiceStatus.dwCurrentState != wanted) {
    SetLastError(ERROR_SERVICE_SPECIFIC_ERROR);
    Fail("NotifyServiceStatusChangeW (wrong state)");
  }
  return notify.ServiceStatus;
}

void Control(SC_HANDLE service, DWORD control) {
  SERVICE_STATUS status{};
  if (!ControlService(service, control, &status)) Fail("ControlService");
}

SERVICE_STATUS_PROCESS QueryOnce(SC_HANDLE service) {
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status), &needed)) {
    Fail("QueryServiceStatusEx");
  }
  return status;
}

int ClientMain(const std::wstring& mode, long iterations, const wchar_t* name, DWORD gapMs) {
  LARGE_INTEGER freq;
  QueryPerformanceFrequency(&freq);
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) Fail("OpenSCManagerW");
  SC_HANDLE service = OpenServiceW(manager, name, SERVICE_START | SERVICE_STOP | SERVICE_PAUSE_CONTINUE | SERVICE_QUERY_STATUS);
  if (service == nullptr) Fail("OpenServiceW");
  const bool control = mode == L"control-poll";
  if (QueryOnce(service).dwCurrentState != (control ? SERVICE_RUNNING : SERVICE_STOPPED)) {
    SetLastError(ERROR_SERVICE_SPECIFIC_ERROR);
    Fail(control ? "service not running before the first cycle" : "service not stopped before the first cycle");
  }
  struct Cycle {
    long long t0, t1, t2, t3;
    long polls1, polls2;
  };
  std::vector<Cycle> cycles(static_cast<size_t>(iterations));
  for (long i = 0; i < iterations; ++i) {
    Cycle& c = cycles[static_cast<size_t>(i)];
    c.polls1 = c.polls2 = 0;
    if (control) {
      c.t0 = Ticks();
      Control(service, SERVICE_CONTROL_PAUSE);
      PollUntil(service, SERVICE_PAUSED, SERVICE_STOPPED, freq, &c.polls1);
      c.t1 = Ticks();
      Sleep(gapMs);
      c.t2 = Ticks();
      Control(service, SERVICE_CONTROL_CONTINUE);
      PollUntil(service, SERVICE_RUNNING, SERVICE_STOPPED, freq, &c.polls2);
      c.t3 = Ticks();
      Sleep(gapMs);
      continue;
    }
    const bool poll = mode == L"cycle-poll";
    c.t0 = Ticks();
    if (!StartServiceW(service, 0, nullptr)) Fail("StartServiceW");
    SERVICE_STATUS_PROCESS running = poll ? PollUntil(service, SERVICE_RUNNING, SERVICE_STOPPED, freq, &c.polls1)
                                          : NotifyUntil(service, SERVICE_NOTIFY_RUNNING | SERVICE_NOTIFY_STOPPED, SERVICE_RUNNING);
    c.t1 = Ticks();
    // Untimed: the service process, so that the next start does not find it still alive (Wine's
    // StartServiceW then fails with ERROR_SERVICE_ALREADY_RUNNING).
    // (A notification's status carries no process id under Wine: ask for it.)
    DWORD pid = running.dwProcessId ? running.dwProcessId : QueryOnce(service).dwProcessId;
    HANDLE process = pid ? OpenProcess(SYNCHRONIZE, FALSE, pid) : nullptr;
    Sleep(gapMs);
    c.t2 = Ticks();
    Control(service, SERVICE_CONTROL_STOP);
    if (poll) {
      PollUntil(service, SERVICE_STOPPED, 0, freq, &c.polls2);
    } else {
      NotifyUntil(service, SERVICE_NOTIFY_STOPPED, SERVICE_STOPPED);
    }
    c.t3 = Ticks();
    if (process != nullptr) {
      WaitForSingleObject(process, static_cast<DWORD>(kLegTimeoutMs));
      CloseHandle(process);
    }
    Sleep(gapMs);
  }
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  std::printf("{\"mode\":\"%ls\",\"iterations\":%ld,\"gapMs\":%lu,\"qpcFrequency\":%lld,\"cycles\":[", mode.c_str(), iterations,
              static_cast<unsigned long>(gapMs), static_cast<long long>(freq.QuadPart));
  for (size_t i = 0; i < cycles.size(); ++i) {
    const Cycle& c = cycles[i];
    std::printf("%s[%lld,%lld,%ld,%lld,%lld,%ld]", i ? "," : "", c.t0, c.t1, c.polls1, c.t2, c.t3, c.polls2);
  }
  std::printf("]}\n");
  std::fflush(stdout);
  return 0;
}

int MemMain(int count, wchar_t** pids) {
  std::printf("{\"processes\":[");
  for (int i = 0; i < count; ++i) {
    DWORD pid = static_cast<DWORD>(std::wcstoul(pids[i], nullptr, 10));
    HANDLE process = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    if (process == nullptr) process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    PROCESS_MEMORY_COUNTERS_EX counters{};
    counters.cb = sizeof(counters);
    if (process == nullptr ||
        !GetProcessMemoryInfo(process, reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&counters), sizeof(counters))) {
      std::printf("%s{\"pid\":%lu,\"error\":%lu}", i ? "," : "", static_cast<unsigned long>(pid),
                  static_cast<unsigned long>(GetLastError()));
    } else {
      std::printf("%s{\"pid\":%lu,\"workingSet\":%llu,\"peakWorkingSet\":%llu,\"privateUsage\":%llu,\"pagefileUsage\":%llu}",
                  i ? "," : "", static_cast<unsigned long>(pid), static_cast<unsigned long long>(counters.WorkingSetSize),
                  static_cast<unsigned long long>(counters.PeakWorkingSetSize),
                  static_cast<unsigned long long>(counters.PrivateUsage),
                  static_cast<unsigned long long>(counters.PagefileUsage));
    }
    if (process != nullptr) CloseHandle(process);
  }
  std::printf("]}\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  // The same Wine-only anchor the addon holds (src-native/scm_access.cc): one SCM handle kept open
  // for the life of the process, so that both sides of every comparison talk to Wine's services.exe
  // over the same kind of RPC association. On Windows nothing is opened.
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr) {
    OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);  // deliberately kept open
  }
  if (argc >= 2 && std::wstring(argv[1]) == L"now") {
    LARGE_INTEGER freq, now;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    std::printf("{\"qpc\":%lld,\"qpcFrequency\":%lld}\n", static_cast<long long>(now.QuadPart), static_cast<long long>(freq.QuadPart));
    return 0;
  }
  if (argc >= 3 && std::wstring(argv[1]) == L"mem") return MemMain(argc - 2, argv + 2);
  if (argc >= 4) {
    const std::wstring mode = argv[1];
    if (mode == L"cycle-poll" || mode == L"cycle-notify" || mode == L"control-poll") {
      const long iterations = std::wcstol(argv[2], nullptr, 10);
      const DWORD gapMs = argc > 4 ? static_cast<DWORD>(std::wcstoul(argv[4], nullptr, 10)) : 20;
      if (iterations <= 0) {
        std::fprintf(stderr, "scm-loop.exe: bad arguments\n");
        return 2;
      }
      return ClientMain(mode, iterations, argv[3], gapMs);
    }
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: scm-loop.exe status|status-held|enum <iterations> [service|typeMask] | cycle-poll|cycle-notify|control-poll <iterations> <service> [gapMs] | now | mem <pid>...\n");
    return 2;
  }
  const std::wstring mode = argv[1];
  const long iterations = std::wcstol(argv[2], nullptr, 10);
  if (iterations <= 0 || (mode != L"status" && mode != L"status-held" && mode != L"enum")) {
    std::fprintf(stderr, "scm-loop.exe: bad arguments\n");
    return 2;
  }
  const wchar_t* service = (mode != L"enum" && argc > 3) ? argv[3] : L"Spooler";
  const DWORD typeMask = (mode == L"enum" && argc > 3) ? static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 0)) : 0x3f;

  LARGE_INTEGER freq;
  QueryPerformanceFrequency(&freq);
  std::vector<double> us(static_cast<size_t>(iterations));
  DWORD check = 0;
  auto once = [&]() -> DWORD {
    if (mode == L"status") return StatusOnce(service);
    if (mode == L"status-held") return StatusThrough(HeldManager(), service);
    return EnumOnce(typeMask);
  };
  for (long i = 0; i < kWarmup; ++i) check = once();
  for (long i = 0; i < iterations; ++i) {
    LARGE_INTEGER start, end;
    QueryPerformanceCounter(&start);
    check = once();
    QueryPerformanceCounter(&end);
    us[static_cast<size_t>(i)] = Elapsed(start, end, freq);
  }

  std::printf("{\"mode\":\"%ls\",\"iterations\":%ld,\"warmup\":%ld,\"check\":%lu,\"qpcFrequency\":%lld,\"us\":[", mode.c_str(),
              iterations, kWarmup, static_cast<unsigned long>(check), static_cast<long long>(freq.QuadPart));
  for (size_t i = 0; i < us.size(); ++i) std::printf(i ? ",%.2f" : "%.2f", us[i]);
  std::printf("]}\n");
  std::fflush(stdout);
  return 0;
}
