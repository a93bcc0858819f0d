// RAII owner of one SC_HANDLE: every handle this addon opens is closed exactly once, on every
// path, including a C++ exception thrown between open and close.
#pragma once
#include <windows.h>
#include <winsvc.h>

class ScHandle {
 public:
  ScHandle() = default;
  explicit ScHandle(SC_HANDLE handle) : mHandle(handle) {}
  ~ScHandle() { Reset(); }
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ScHandle(ScHandle&& other) noexcept : mHandle(other.mHandle) { other.mHandle = nullptr; }
  ScHandle& operator=(ScHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      mHandle = other.mHandle;
      other.mHandle = nullptr;
    }
    return *this;
  }
  SC_HANDLE Get() const { return mHandle; }
  explicit operator bool() const { return mHandle != nullptr; }
  void Reset() {
    if (mHandle != nullptr) {
      CloseServiceHandle(mHandle);
      mHandle = nullptr;
    }
  }

 private:
  SC_HANDLE mHandle = nullptr;
};
