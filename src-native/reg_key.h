// RAII owner of one registry key handle (event sources, the service host's settings).
#pragma once
#include <windows.h>
#include <string>

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

// RegSetValueExW for a REG_SZ / REG_EXPAND_SZ value: `text` with its terminating NUL.
inline LSTATUS SetStringValue(HKEY key, const wchar_t* name, DWORD type, const std::wstring& text) {
  return RegSetValueExW(key, name, 0, type, reinterpret_cast<const BYTE*>(text.c_str()),
                        static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t)));
}
