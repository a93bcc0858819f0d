// What the native unit tests share: checks that count their failures and one line for each.
#pragma once
#include <cstdio>

inline int& FailureCount() {
  static int failures = 0;
  return failures;
}

inline void Check(bool ok, const char* what) {
  if (ok) return;
  ++FailureCount();
  std::printf("FAIL: %s\n", what);
}

// main's exit code: 0 with "all checks passed", else 1.
inline int Finish() {
  if (FailureCount() == 0) std::printf("all checks passed\n");
  return FailureCount() == 0 ? 0 : 1;
}
