// A failed Win32 call, captured on the thread that made it. GetLastError() is thread-local, so it
// must be read right after the call on that same thread; the JS error is built later, on the main
// thread, from this plain value.
#pragma once
#include <napi.h>
#include <windows.h>
#include <string>

struct Win32Failure {
  DWORD code = ERROR_SUCCESS;
  const char* syscall = nullptr;
  bool Failed() const { return code != ERROR_SUCCESS; }
};

// Thrown by operations' Execute() on a worker or main thread; caught by the operation runner.
struct Win32Exception {
  Win32Failure failure;
};

// Records GetLastError() for `syscall` and throws Win32Exception.
[[noreturn]] void ThrowLastError(const char* syscall);
[[noreturn]] void ThrowWin32(DWORD code, const char* syscall);

// FormatMessageW text for `code`, trimmed, as UTF-8 ("" when the system has none).
std::string FormatWin32Message(DWORD code);

// The JS Error the TypeScript layer turns into ScmError: message, errno, syscall.
Napi::Error MakeWin32Error(Napi::Env env, const Win32Failure& failure);
