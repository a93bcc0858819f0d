// Delay-load notify hook for the mingw-w64 cross build: the import library names "node.exe", but
// the addon must bind to whatever executable hosts it (renamed node, Electron). When the loader
// asks for node.exe, hand it the host process's own module.
#include <windows.h>
#include <delayimp.h>
#include <cstring>

static FARPROC WINAPI ScmNativeDelayLoadHook(unsigned dliNotify, PDelayLoadInfo pdli) {
  if (dliNotify == dliNotePreLoadLibrary && _stricmp(pdli->szDll, "node.exe") == 0) {
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
  }
  return nullptr;
}

// libmingwex defines __pfnDliNotifyHook2 already; assign it before any delay-loaded call is made.
namespace {
struct InstallHook {
  InstallHook() { __pfnDliNotifyHook2 = ScmNativeDelayLoadHook; }
} installHook;
}  // namespace
