// The Win32 size-probe pattern shared by QueryServiceConfigW, QueryServiceConfig2W and
// QueryServiceObjectSecurity: call with the current buffer (empty at first, so the first call is
// the probe); on ERROR_INSUFFICIENT_BUFFER grow to the size the call reported and retry. If the
// reported size did not grow, stop with that error rather than loop forever.
#pragma once
#include <windows.h>
#include <vector>
#include "win32_error.h"

// `call(BYTE* buffer, DWORD size, DWORD* needed)` returns the Win32 BOOL. The vector's storage is
// allocated by operator new, so it is aligned for any of the structures these calls return, and
// it keeps its address when the vector is moved (the structures point into it).
template <typename Call>
std::vector<BYTE> QueryWithGrowingBuffer(const char* syscall, Call&& call) {
  std::vector<BYTE> buffer;
  for (;;) {
    DWORD needed = 0;
    if (call(buffer.empty() ? nullptr : buffer.data(), static_cast<DWORD>(buffer.size()), &needed)) {
      return buffer;
    }
    DWORD error = GetLastError();
    if (error != ERROR_INSUFFICIENT_BUFFER || needed <= buffer.size()) ThrowWin32(error, syscall);
    buffer.assign(needed, 0);
  }
}
