// Facts about this process that tell whether the SCM started it.
#include <windows.h>
#include <tlhelp32.h>
#include "operations.h"
#include "strings.h"

namespace {

// Image name of the parent process ("services.exe" for a service), or "" when it is gone.
std::wstring ParentImageName() {
  DWORD self = GetCurrentProcessId();
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return std::wstring();
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof(entry);
  DWORD parent = 0;
  for (BOOL ok = Process32FirstW(snapshot, &entry); ok; ok = Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID == self) {
      parent = entry.th32ParentProcessID;
      break;
    }
  }
  std::wstring name;
  if (parent != 0) {
    entry.dwSize = sizeof(entry);
    for (BOOL ok = Process32FirstW(snapshot, &entry); ok; ok = Process32NextW(snapshot, &entry)) {
      if (entry.th32ProcessID == parent) {
        name = entry.szExeFile;
        break;
      }
    }
  }
  CloseHandle(snapshot);
  return name;
}

Napi::Value GetProcessFacts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("parentImageName", WideToJs(env, ParentImageName().c_str()));
  DWORD session = 0;
  out.Set("sessionId", ProcessIdToSessionId(GetCurrentProcessId(), &session) ? Napi::Value(Napi::Number::New(env, session))
                                                                           : env.Null());
  return out;
}

}  // namespace

void RegisterProcessInfo(Napi::Env env, Napi::Object exports) {
  exports.Set("getProcessFacts", Napi::Function::New(env, GetProcessFacts, "getProcessFacts"));
}
