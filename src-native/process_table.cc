// The process table of command-defined services (lib/process-table.ts): every process the caller
// can see, with its image path and command line, and a terminate that cannot hit a reused pid.
//
// Each process: CreateToolhelp32Snapshot/Process32NextW (pid, parent pid, exe name), then
// OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ) for QueryFullProcessImageNameW,
// GetProcessTimes (creation time, so a pid reused later is told apart) and the command line.
// The command line is read from the process's PEB: NtQueryInformationProcess(ProcessBasicInformation)
// gives the PEB address, ReadProcessMemory reads PEB.ProcessParameters and from there
// RTL_USER_PROCESS_PARAMETERS.CommandLine. NtQueryInformationProcess(ProcessCommandLineInformation)
// (Windows 8.1+) would be one call, but Wine 8 answers STATUS_INVALID_INFO_CLASS; the PEB works on
// both. Processes of other users, and protected ones, refuse PROCESS_VM_READ (and services.exe,
// csrss.exe refuse even the limited query to non-administrators): their command line (and maybe
// image) is null, with the refused call and its error code.
#include <windows.h>
#include <tlhelp32.h>
#include <string>
#include <vector>
#include "args.h"
#include "operations.h"
#include "unique_handle.h"
#include "win32_error.h"

namespace {

// The fields of PROCESS_BASIC_INFORMATION (winternl.h), declared here so the layout does not
// depend on one SDK's header.
struct BasicInformation {
  LONG exitStatus;
  PVOID pebBaseAddress;
  ULONG_PTR affinityMask;
  LONG basePriority;
  ULONG_PTR uniqueProcessId;
  ULONG_PTR inheritedFromUniqueProcessId;
};

struct RemoteUnicodeString {
  USHORT length;
  USHORT maximumLength;
  ULONG64 buffer;  // a pointer in the other process (64-bit layout)
};

using NtQueryInformationProcessFn = LONG(NTAPI*)(HANDLE, ULONG, PVOID, ULONG, PULONG);

NtQueryInformationProcessFn NtQuery() {
  static NtQueryInformationProcessFn fn = reinterpret_cast<NtQueryInformationProcessFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationProcess")));
  return fn;
}

// Offsets of the 64-bit PEB and RTL_USER_PROCESS_PARAMETERS (stable since Windows XP x64; Wine
// keeps them). A 64-bit reader sees the 64-bit PEB of a WOW64 process too.
constexpr size_t kPebProcessParameters = 0x20;
constexpr size_t kParamsCommandLine = 0x70;

struct ProcessRow {
  DWORD pid = 0;
  DWORD parentPid = 0;
  std::wstring exeName;
  bool hasImage = false;
  std::wstring image;
  bool hasCommandLine = false;
  std::wstring commandLine;
  double createdMs = -1;  // ms since 1970, -1 unknown
  DWORD error = ERROR_SUCCESS;
  const char* errorCall = nullptr;
};

double FileTimeToUnixMs(const FILETIME& ft) {
  ULARGE_INTEGER v;
  v.LowPart = ft.dwLowDateTime;
  v.HighPart = ft.dwHighDateTime;
  return static_cast<double>(v.QuadPart / 10000ULL) - 11644473600000.0;
}

void Fail(ProcessRow& row, const char* call, DWORD error) {
  if (row.errorCall != nullptr) return;  // the first refusal is the one that matters
  row.error = error;
  row.errorCall = call;
}

bool ReadRemote(HANDLE process, ULONG64 address, void* out, size_t size) {
  SIZE_T got = 0;
  return ReadProcessMemory(process, reinterpret_cast<LPCVOID>(static_cast<ULONG_PTR>(address)), out, size, &got) && got == size;
}

void ReadCommandLine(HANDLE process, ProcessRow& row) {
#ifdef _WIN64
  NtQueryInformationProcessFn query = NtQuery();
  if (query == nullptr) return Fail(row, "NtQueryInformationProcess", ERROR_PROC_NOT_FOUND);
  BasicInformation basic{};
  ULONG returned = 0;
  LONG status = query(process, 0 /* ProcessBasicInformation */, &basic, sizeof(basic), &returned);
  if (status < 0) return Fail(row, "NtQueryInformationProcess", static_cast<DWORD>(status));
  if (basic.pebBaseAddress == nullptr) return Fail(row, "NtQueryInformationProcess", ERROR_INVALID_DATA);
  ULONG64 params = 0;
  if (!ReadRemote(process, reinterpret_cast<ULONG64>(basic.pebBaseAddress) + kPebProcessParameters, &params, sizeof(params)) || params == 0) {
    return Fail(row, "ReadProcessMemory", GetLastError() ? GetLastError() : ERROR_PARTIAL_COPY);
  }
  RemoteUnicodeString line{};
  if (!ReadRemote(process, params + kParamsCommandLine, &line, sizeof(line))) {
    return Fail(row, "ReadProcessMemory", GetLastError() ? GetLastError() : ERROR_PARTIAL_COPY);
  }
  std::wstring text(line.length / sizeof(wchar_t), L'\0');
  if (!text.empty() && !ReadRemote(process, line.buffer, text.data(), text.size() * sizeof(wchar_t))) {
    return Fail(row, "ReadProcessMemory", GetLastError() ? GetLastError() : ERROR_PARTIAL_COPY);
  }
  row.commandLine = std::move(text);
  row.hasCommandLine = true;
#else
  Fail(row, "ReadProcessMemory", ERROR_NOT_SUPPORTED);  // a 32-bit reader cannot follow 64-bit PEB pointers
#endif
}

void Describe(ProcessRow& row) {
  if (row.pid == 0) return;  // the System Idle Process: nothing to open
  UniqueHandle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE, row.pid));
  if (!process) {
    Fail(row, "OpenProcess", GetLastError());
    // Without PROCESS_VM_READ: the image path and creation time may still be readable.
    process = UniqueHandle(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, row.pid));
    if (!process) return;
  }
  std::vector<wchar_t> buffer(32768);
  DWORD size = static_cast<DWORD>(buffer.size());
  if (QueryFullProcessImageNameW(process.Get(), 0, buffer.data(), &size)) {
    row.image.assign(buffer.data(), size);
    row.hasImage = true;
  } else {
    Fail(row, "QueryFullProcessImageNameW", GetLastError());
  }
  FILETIME created, exited, kernel, user;
  if (GetProcessTimes(process.Get(), &created, &exited, &kernel, &user)) row.createdMs = FileTimeToUnixMs(created);
  if (row.errorCall == nullptr) ReadCommandLine(process.Get(), row);
}

// listProcesses() -> Promise<[{ pid, parentPid, exeName, image, commandLine, createdMs, error, errorCall }]>
struct ListProcessesOp {
  std::vector<ProcessRow> rows;

  explicit ListProcessesOp(const Napi::CallbackInfo&) {}

  void Execute() {
    UniqueHandle snapshot;
    HANDLE raw = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (raw == INVALID_HANDLE_VALUE) ThrowLastError("CreateToolhelp32Snapshot");
    snapshot = UniqueHandle(raw);
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof(entry);
    for (BOOL ok = Process32FirstW(snapshot.Get(), &entry); ok; ok = Process32NextW(snapshot.Get(), &entry)) {
      ProcessRow row;
      row.pid = entry.th32ProcessID;
      row.parentPid = entry.th32ParentProcessID;
      row.exeName = entry.szExeFile;
      rows.push_back(std::move(row));
    }
    for (ProcessRow& row : rows) Describe(row);
  }

  Napi::Value Result(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const ProcessRow& row = rows[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("pid", Napi::Number::New(env, row.pid));
      o.Set("parentPid", Napi::Number::New(env, row.parentPid));
      o.Set("exeName", WideToJs(env, row.exeName.c_str()));
      o.Set("image", row.hasImage ? Napi::Value(WideToJs(env, row.image.data(), row.image.size())) : env.Null());
      o.Set("commandLine", row.hasCommandLine ? Napi::Value(WideToJs(env, row.commandLine.data(), row.commandLine.size())) : env.Null());
      o.Set("createdMs", row.createdMs >= 0 ? Napi::Value(Napi::Number::New(env, row.createdMs)) : env.Null());
      o.Set("error", Napi::Number::New(env, row.error));
      o.Set("errorCall", row.errorCall ? Napi::Value(Napi::String::New(env, row.errorCall)) : env.Null());
      out.Set(static_cast<uint32_t>(i), o);
    }
    return out;
  }
};

// terminateProcess(pid, createdMs | null, exitCode) -> true when terminated, false when no such
// process is running (gone, or the pid now names a process created at another time).
// OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION), GetProcessTimes, TerminateProcess.
Napi::Value TerminateProcessById(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "terminateProcess(pid, createdMs, exitCode)");
  DWORD pid = args.Uint32(0);
  bool checkCreated = !JsValues::IsAbsent(info[1]);
  double created = checkCreated ? args.Number(1) : 0;
  DWORD exitCode = args.Uint32(2);
  UniqueHandle process(OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid));
  if (!process) {
    DWORD error = GetLastError();
    if (error == ERROR_INVALID_PARAMETER) return Napi::Boolean::New(env, false);  // no such process
    throw MakeWin32Error(env, Win32Failure{error, "OpenProcess"});
  }
  if (WaitForSingleObject(process.Get(), 0) == WAIT_OBJECT_0) return Napi::Boolean::New(env, false);  // already exited
  if (checkCreated) {
    FILETIME c, e, k, u;
    if (!GetProcessTimes(process.Get(), &c, &e, &k, &u)) throw MakeWin32Error(env, Win32Failure{GetLastError(), "GetProcessTimes"});
    if (FileTimeToUnixMs(c) != created) return Napi::Boolean::New(env, false);
  }
  if (!TerminateProcess(process.Get(), exitCode)) {
    DWORD error = GetLastError();
    if (error == ERROR_ACCESS_DENIED && WaitForSingleObject(process.Get(), 0) == WAIT_OBJECT_0) return Napi::Boolean::New(env, false);
    throw MakeWin32Error(env, Win32Failure{error, "TerminateProcess"});
  }
  return Napi::Boolean::New(env, true);
}

}  // namespace

void RegisterProcessTable(Napi::Env env, Napi::Object exports) {
  RegisterOp<ListProcessesOp>(env, exports, "listProcesses");
  exports.Set("terminateProcess", Napi::Function::New(env, TerminateProcessById, "terminateProcess"));
}
