#include "privilege.h"
#include "win32_error.h"

namespace {

// How many ScopedPrivilege objects impersonate on this thread (they may nest).
thread_local int tImpersonations = 0;

void EnableOnThreadToken(const wchar_t* name) {
  HANDLE token = nullptr;
  if (!OpenThreadToken(GetCurrentThread(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, TRUE, &token)) {
    ThrowLastError("OpenThreadToken");
  }
  TOKEN_PRIVILEGES privileges{};
  privileges.PrivilegeCount = 1;
  privileges.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  DWORD error = ERROR_SUCCESS;
  const char* syscall = nullptr;
  if (!LookupPrivilegeValueW(nullptr, name, &privileges.Privileges[0].Luid)) {
    error = GetLastError();
    syscall = "LookupPrivilegeValueW";
  } else if (!AdjustTokenPrivileges(token, FALSE, &privileges, 0, nullptr, nullptr)) {
    error = GetLastError();
    syscall = "AdjustTokenPrivileges";
  } else if (GetLastError() == ERROR_NOT_ALL_ASSIGNED) {
    // AdjustTokenPrivileges succeeds but enables nothing when the token lacks the privilege.
    error = ERROR_PRIVILEGE_NOT_HELD;
    syscall = "AdjustTokenPrivileges";
  }
  CloseHandle(token);
  if (error != ERROR_SUCCESS) ThrowWin32(error, syscall);
}

}  // namespace

ScopedPrivilege::ScopedPrivilege(const wchar_t* name) {
  if (name == nullptr) return;
  if (!ImpersonateSelf(SecurityImpersonation)) ThrowLastError("ImpersonateSelf");
  try {
    EnableOnThreadToken(name);
  } catch (...) {
    RevertToSelf();  // the destructor does not run for a constructor that throws
    throw;
  }
  mImpersonating = true;
  ++tImpersonations;
}

ScopedPrivilege::~ScopedPrivilege() {
  if (!mImpersonating) return;
  RevertToSelf();
  --tImpersonations;
}

bool ScopedPrivilege::ActiveOnThisThread() { return tImpersonations > 0; }
