// RAII owner of one registry key handle (event sources, the service host's settings).
#pragma once
#include <windows.h>

class RegKey {
 public:
  RegKey() = default;
  RegKey(const RegKey&) = delete;
  RegKey& operator=(const RegKey&) = delete;
  ~RegKey() {
    if (mKey) RegCloseKey(mKey);
  }
  HKEY* Out() { return &mKey; }
  HKEY Get() const { return mKey; }

 private:
  HKEY mKey = nullptr;
};
