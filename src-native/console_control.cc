// Console control events (Ctrl+C / Ctrl+Break) for a console program the service host supervises:
// its graceful stop, as a user at its console would ask for it.
#include <windows.h>
#include "args.h"
#include "operations.h"
#include "win32_error.h"

namespace {

// The host's own handler while it is attached to a program's console: the event is meant for the
// program, not for the host.
BOOL WINAPI SwallowCtrl(DWORD event) { return event == CTRL_BREAK_EVENT || event == CTRL_C_EVENT; }

// sendConsoleCtrl(pid, event) -> whether the event was generated.
// event 0 = CTRL_C_EVENT, 1 = CTRL_BREAK_EVENT, sent to every process attached to the console of
// `pid`. The calling process leaves its own console first (FreeConsole: a process can be attached
// to one console only), attaches to the program's for the call and ignores the event itself
// (SetConsoleCtrlHandler(NULL, TRUE) for Ctrl+C, a handler that swallows Ctrl+Break), so only the
// program and its console-sharing children see it. false: still not allowed to attach.
//
// The ignore-Ctrl+C attribute stays set in the calling process and, as SetConsoleCtrlHandler's
// documentation says, is inherited by every child process it starts afterwards. So the service
// host never calls this itself: it starts a short-lived helper (dist/host/console-ctrl-helper.js)
// that calls it and exits (lib/host/program.ts).
Napi::Value SendConsoleCtrl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "sendConsoleCtrl(pid, event)");
  DWORD pid = args.Uint32(0);
  DWORD event = args.Uint32(1);
  if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) throw Napi::RangeError::New(env, "event must be 0 (Ctrl+C) or 1 (Ctrl+Break)");
  FreeConsole();  // fails harmlessly when there is none
  if (!AttachConsole(pid)) {
    DWORD error = GetLastError();
    if (error == ERROR_ACCESS_DENIED) return Napi::Boolean::New(env, false);  // still attached to one
    throw MakeWin32Error(env, Win32Failure{error, "AttachConsole"});
  }
  // AttachConsole (and FreeConsole) reset the process's handler list to its initial state, the
  // default handler that calls ExitProcess: register after attaching, every time.
  SetConsoleCtrlHandler(SwallowCtrl, TRUE);
  SetConsoleCtrlHandler(nullptr, TRUE);
  BOOL ok = GenerateConsoleCtrlEvent(event, 0);
  // Read before FreeConsole, which may set its own last error.
  DWORD error = ok ? ERROR_SUCCESS : GetLastError();
  FreeConsole();
  if (!ok) throw MakeWin32Error(env, Win32Failure{error, "GenerateConsoleCtrlEvent"});
  return Napi::Boolean::New(env, true);
}

}  // namespace

void RegisterConsoleControl(Napi::Env env, Napi::Object exports) {
  exports.Set("sendConsoleCtrl", Napi::Function::New(env, SendConsoleCtrl, "sendConsoleCtrl"));
}
