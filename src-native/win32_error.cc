#include "win32_error.h"
#include "strings.h"

void ThrowLastError(const char* syscall) { ThrowWin32(GetLastError(), syscall); }

void ThrowWin32(DWORD code, const char* syscall) { throw Win32Exception{Win32Failure{code, syscall}}; }

std::string FormatWin32Message(DWORD code) {
  wchar_t* buffer = nullptr;
  DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), reinterpret_cast<LPWSTR>(&buffer), 0,
      nullptr);
  if (length == 0 || buffer == nullptr) return std::string();
  std::wstring text(buffer, length);
  LocalFree(buffer);
  while (!text.empty() && (text.back() == L'\r' || text.back() == L'\n' || text.back() == L' ' ||
                           text.back() == L'.')) {
    text.pop_back();
  }
  return WideToUtf8(text);
}

Napi::Error MakeWin32Error(Napi::Env env, const Win32Failure& failure) {
  std::string message = FormatWin32Message(failure.code);
  Napi::Error error = Napi::Error::New(env, message.empty() ? "Win32 error" : message);
  error.Set("errno", Napi::Number::New(env, static_cast<double>(failure.code)));
  error.Set("syscall", Napi::String::New(env, failure.syscall ? failure.syscall : "unknown"));
  error.Set("win32Message", Napi::String::New(env, message));
  return error;
}
