// Enabling one privilege (SeShutdownPrivilege, SeSecurityPrivilege) for the calling thread only.
#pragma once
#include <windows.h>

// For its lifetime the calling thread impersonates a copy of the process token (ImpersonateSelf)
// with the privilege enabled; the destructor reverts (RevertToSelf). The process token is never
// changed, so operations running meanwhile on other threads are unaffected. Construct it before
// opening the SCM: every SCM call made on the thread meanwhile, OpenSCManagerW included, then
// carries the thread's token. A null name does nothing.
// Throws Win32Exception; ERROR_PRIVILEGE_NOT_HELD when the account does not hold the privilege.
class ScopedPrivilege {
 public:
  explicit ScopedPrivilege(const wchar_t* name);
  ~ScopedPrivilege();
  ScopedPrivilege(const ScopedPrivilege&) = delete;
  ScopedPrivilege& operator=(const ScopedPrivilege&) = delete;

  // Whether a ScopedPrivilege impersonates on the calling thread now (no system call).
  static bool ActiveOnThisThread();

 private:
  bool mImpersonating = false;
};
