// Memory Win32 allocates with LocalAlloc for the caller (the sddl.h conversions,
// GetNamedSecurityInfoW's descriptor), freed with LocalFree when the owner goes.
#pragma once
#include <windows.h>
#include <memory>

struct LocalFreeDeleter {
  void operator()(void* memory) const { LocalFree(memory); }
};

template <typename T>
using LocalPtr = std::unique_ptr<T, LocalFreeDeleter>;
