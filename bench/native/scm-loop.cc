// The raw Win32 baseline the benchmarks compare scm-native against: the same Service Control
// Manager call sequences the addon makes, in a plain C++ loop, timed per iteration with
// QueryPerformanceCounter. Only the loop is timed: the process start (which, under Wine, costs far
// more than the calls) never counts.
//
//   scm-loop.exe status <iterations> [service]   OpenSCManagerW(SC_MANAGER_CONNECT) +
//                                                OpenServiceW(SERVICE_QUERY_STATUS) +
//                                                QueryServiceStatusEx + 2x CloseServiceHandle
//   scm-loop.exe enum <iterations> [typeMask]    OpenSCManagerW(SC_MANAGER_ENUMERATE_SERVICE) +
//                                                EnumServicesStatusExW size probe + exact-size
//                                                call (SERVICE_STATE_ALL) + CloseServiceHandle
//
// Prints one JSON object on stdout: {"mode","iterations","warmup","us":[per-iteration microseconds], ...}
// with a check value (the state, or the number of services) so the caller can confirm both sides
// did the same work. Exit code 1 and {"error":...} on a Win32 failure.
//
// Built by scripts/run-bench.js: x86_64-w64-mingw32-g++-posix -O2 -static.
#include <windows.h>
#include <winsvc.h>

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
DWORD StatusOnce(const wchar_t* name) {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) Fail("OpenSCManagerW");
  SC_HANDLE service = OpenServiceW(manager, name, SERVICE_QUERY_STATUS);
  if (service == nullptr) Fail("OpenServiceW");
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status),
                            &needed)) {
    Fail("QueryServiceStatusEx");
  }
  CloseServiceHandle(service);
  CloseServiceHandle(manager);
  return status.dwCurrentState;
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

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: scm-loop.exe status|enum <iterations> [service|typeMask]\n");
    return 2;
  }
  const std::wstring mode = argv[1];
  const long iterations = std::wcstol(argv[2], nullptr, 10);
  if (iterations <= 0 || (mode != L"status" && mode != L"enum")) {
    std::fprintf(stderr, "scm-loop.exe: bad arguments\n");
    return 2;
  }
  const wchar_t* service = (mode == L"status" && argc > 3) ? argv[3] : L"Spooler";
  const DWORD typeMask = (mode == L"enum" && argc > 3) ? static_cast<DWORD>(std::wcstoul(argv[3], nullptr, 0)) : 0x3f;

  LARGE_INTEGER freq;
  QueryPerformanceFrequency(&freq);
  std::vector<double> us(static_cast<size_t>(iterations));
  DWORD check = 0;
  for (long i = 0; i < kWarmup; ++i) check = mode == L"status" ? StatusOnce(service) : EnumOnce(typeMask);
  for (long i = 0; i < iterations; ++i) {
    LARGE_INTEGER start, end;
    QueryPerformanceCounter(&start);
    check = mode == L"status" ? StatusOnce(service) : EnumOnce(typeMask);
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
