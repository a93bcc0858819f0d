// A tiny native Windows service for the benchmarks: the C++ contender of the service-side
// benchmarks, and a service whose state changes happen at known times.
//
//   bench-service.exe <service name> [log file] [delay ms]
//
// - StartServiceCtrlDispatcherW with one entry; ServiceMain registers its handler and reports
//   SERVICE_RUNNING at once (no START_PENDING), accepting STOP and PAUSE_CONTINUE.
// - The handler answers every control immediately, inside the handler: STOP -> SERVICE_STOPPED,
//   PAUSE -> SERVICE_PAUSED, CONTINUE -> SERVICE_RUNNING, INTERROGATE -> NO_ERROR.
// - With a delay (> 0), start and stop go through a pending state instead: ServiceMain reports
//   START_PENDING, sleeps `delay` ms, then reports RUNNING; STOP reports STOP_PENDING in the
//   handler, and ServiceMain reports STOPPED `delay` ms later. Then a client is already waiting
//   when the final state is reported (Wine's StartServiceW returns at the service's first status
//   report, and ControlService when the handler returns). Pause and continue stay immediate.
// - When a log file is given, every reported state appends one line to it, written *after* the
//   SetServiceStatus call so that the write never delays a report:
//       <state> <qpc before SetServiceStatus> <qpc after> <pid>
//   QueryPerformanceCounter ticks share one clock with every process on the machine (under Wine
//   too), so the benchmark can tell how long after this report a client saw the new state.
//
// Built by scripts/run-bench.js: x86_64-w64-mingw32-g++-posix -O2 -static -municode.
#include <windows.h>
#include <winsvc.h>

#include <cstdio>
#include <cwchar>
#include <string>

namespace {

std::wstring gName;
HANDLE gLog = INVALID_HANDLE_VALUE;
HANDLE gStopped = nullptr;
DWORD gDelayMs = 0;
SERVICE_STATUS_HANDLE gHandle = nullptr;
SERVICE_STATUS gStatus{};
CRITICAL_SECTION gLock;

const char* StateName(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED: return "stopped";
    case SERVICE_RUNNING: return "running";
    case SERVICE_PAUSED: return "paused";
    case SERVICE_START_PENDING: return "start_pending";
    case SERVICE_STOP_PENDING: return "stop_pending";
    default: return "other";
  }
}

// Reports `state` to the SCM and logs when it did. Serialised: the SCM may call the handler on
// its own thread while ServiceMain still runs.
void Report(DWORD state) {
  EnterCriticalSection(&gLock);
  gStatus.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  gStatus.dwCurrentState = state;
  const bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
  gStatus.dwControlsAccepted =
      (state == SERVICE_STOPPED || pending) ? 0 : (SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE);
  gStatus.dwWin32ExitCode = NO_ERROR;
  gStatus.dwCheckPoint = pending ? 1 : 0;
  gStatus.dwWaitHint = pending ? 5000 : 0;
  LARGE_INTEGER before, after;
  QueryPerformanceCounter(&before);
  SetServiceStatus(gHandle, &gStatus);
  QueryPerformanceCounter(&after);
  if (gLog != INVALID_HANDLE_VALUE) {
    char line[128];
    int n = std::snprintf(line, sizeof(line), "%s %lld %lld %lu\n", StateName(state), static_cast<long long>(before.QuadPart),
                          static_cast<long long>(after.QuadPart), static_cast<unsigned long>(GetCurrentProcessId()));
    DWORD written = 0;
    WriteFile(gLog, line, static_cast<DWORD>(n), &written, nullptr);
  }
  LeaveCriticalSection(&gLock);
}

DWORD WINAPI Handler(DWORD control, DWORD, LPVOID, LPVOID) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
      // Immediate: STOPPED from the handler. Delayed: STOP_PENDING now, STOPPED from ServiceMain.
      Report(gDelayMs ? SERVICE_STOP_PENDING : SERVICE_STOPPED);
      SetEvent(gStopped);
      return NO_ERROR;
    case SERVICE_CONTROL_PAUSE:
      Report(SERVICE_PAUSED);
      return NO_ERROR;
    case SERVICE_CONTROL_CONTINUE:
      Report(SERVICE_RUNNING);
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI ServiceMain(DWORD argc, LPWSTR* argv) {
  // An own-process service is told its real name here.
  gHandle = RegisterServiceCtrlHandlerExW(argc > 0 ? argv[0] : gName.c_str(), Handler, nullptr);
  if (gHandle == nullptr) return;
  if (gDelayMs) {
    Report(SERVICE_START_PENDING);
    Sleep(gDelayMs);
  }
  Report(SERVICE_RUNNING);
  WaitForSingleObject(gStopped, INFINITE);
  if (gDelayMs) {
    Sleep(gDelayMs);
    Report(SERVICE_STOPPED);
  }
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench-service.exe <service name> [log file] [delay ms]\n");
    return 2;
  }
  gName = argv[1];
  InitializeCriticalSection(&gLock);
  gStopped = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (argc > 3) gDelayMs = static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 10));
  if (argc > 2 && argv[2][0] != L'\0') {
    gLog = CreateFileW(argv[2], FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                       OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  }
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<LPWSTR>(gName.c_str()), ServiceMain}, {nullptr, nullptr}};
  BOOL ok = StartServiceCtrlDispatcherW(table);
  // The dispatcher returns as soon as STOPPED is reported, possibly while Report() is still
  // writing that report's log line: the lock waits for it. And when STOPPED was reported from the
  // handler (immediate mode), Wine's dispatcher thread may not yet have sent the handler's reply
  // to services.exe: exiting now breaks the pipe and the client's ControlService(STOP) fails
  // with ERROR_BROKEN_PIPE. Linger a little (the benchmarks never time the process exit).
  EnterCriticalSection(&gLock);
  Sleep(100);
  if (gLog != INVALID_HANDLE_VALUE) CloseHandle(gLog);
  return ok ? 0 : 1;
}
