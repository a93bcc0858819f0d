// The Win32 size-probe pattern shared by QueryServiceConfigW, QueryServiceConfig2W,
// QueryServiceObjectSecurity and EnumDependentServicesW: call with the current buffer (empty at
// first, so the first call is the probe); on `growError` (ERROR_INSUFFICIENT_BUFFER, or
// ERROR_MORE_DATA for the enumerations) grow to the size the call reported and retry. If the
// reported size did not grow, stop with that error rather than loop forever.
#pragma once
#include <windows.h>
#include <vector>
#include "win32_error.h"

// `call(BYTE* buffer, DWORD size, DWORD* needed)` returns the Win32 BOOL. The vector's storage is
// allocated by operator new, so it is aligned for any of the structures these calls return, and
// it keeps its address when the vector is moved (the structures point into it).
template <typename Call>
std::vector<BYTE> QueryWithGrowingBuffer(const char* syscall, Call&& call, DWORD growError = ERROR_INSUFFICIENT_BUFFER) {
  std::vector<BYTE> buffer;
  for (;;) {
    DWORD needed = 0;
    if (call(buffer.empty() ? nullptr : buffer.data(), static_cast<DWORD>(buffer.size()), &needed)) {
      return buffer;
    }
    DWORD error = GetLastError();
    if (error != growError || needed <= buffer.size()) ThrowWin32(error, syscall);
    buffer.assign(needed, 0);
  }
}
