// CommandLineToArgvW, exposed so the TypeScript quoting can be tested against the real parser.
#include <windows.h>
#include <shellapi.h>
#include "args.h"
#include "operations.h"
#include "win32_error.h"

namespace {

Napi::Value CommandLineToArgv(const Napi::CallbackInfo& info) {
  std::wstring line = Args(info, "commandLineToArgv(commandLine)").String(0);
  int count = 0;
  LPWSTR* argv = CommandLineToArgvW(line.c_str(), &count);
  if (argv == nullptr) throw MakeWin32Error(info.Env(), Win32Failure{GetLastError(), "CommandLineToArgvW"});
  Napi::Array out = Napi::Array::New(info.Env(), static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) out.Set(static_cast<uint32_t>(i), WideToJs(info.Env(), argv[i]));
  LocalFree(argv);
  return out;
}

}  // namespace

void RegisterCommandLine(Napi::Env env, Napi::Object exports) {
  exports.Set("commandLineToArgv", Napi::Function::New(env, CommandLineToArgv, "commandLineToArgv"));
}
