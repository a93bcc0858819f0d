// RAII owner of one plain kernel HANDLE (a process, a job), the CloseHandle counterpart of
// ScHandle: closed exactly once, on every path, including a C++ exception thrown between open
// and close. For APIs that report failure with a null handle (OpenProcess, CreateJobObjectW), not
// INVALID_HANDLE_VALUE.
#pragma once
#include <windows.h>

class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE handle) : mHandle(handle) {}
  ~UniqueHandle() { Reset(); }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  UniqueHandle(UniqueHandle&& other) noexcept : mHandle(other.Release()) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      mHandle = other.Release();
    }
    return *this;
  }
  HANDLE Get() const { return mHandle; }
  explicit operator bool() const { return mHandle != nullptr; }
  // Gives up ownership: for a handle meant to stay open until the process ends.
  HANDLE Release() {
    HANDLE handle = mHandle;
    mHandle = nullptr;
    return handle;
  }
  void Reset() {
    if (mHandle != nullptr) {
      CloseHandle(mHandle);
      mHandle = nullptr;
    }
  }

 private:
  HANDLE mHandle = nullptr;
};
