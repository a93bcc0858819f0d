// Starting a service or sending it one control, shared by startService/controlService and by
// the waits that act themselves (startService/stopService/pauseService/continueService with a wait).
#pragma once
#include <windows.h>
#include <winsvc.h>
#include <string>
#include <vector>
#include "win32_error.h"

// StartServiceW with `args` as its argv (none: a null vector). Returns ERROR_SUCCESS or its error,
// read before the argv array is freed, for the caller to judge.
DWORD StartWithArgs(SC_HANDLE service, const std::vector<std::wstring>& args);

// The access right a control needs (ControlService's documented table).
DWORD AccessForControl(DWORD control);

// What the SCM answered to one control request.
struct ControlAnswer {
  // Failed() when the control was refused or could not be sent.
  Win32Failure failure;
  // The service's status after the control (on success), or re-read after a refusal.
  SERVICE_STATUS_PROCESS status{};
  bool hasStatus = false;
  // False when `status` came from ControlService's SERVICE_STATUS: no process id or flags.
  bool fullStatus = false;
};

// Sends `control` through ControlServiceExW, or ControlService where it is missing. `service` needs
// AccessForControl(control) | SERVICE_QUERY_STATUS. For ERROR_INVALID_SERVICE_CONTROL,
// ERROR_SERVICE_CANNOT_ACCEPT_CTRL and ERROR_SERVICE_NOT_ACTIVE the status is re-read with
// QueryServiceStatusEx rather than trusted from the failed call (Wine leaves it unfilled for some).
// Never throws: the outcome is in the answer, its GetLastError() read on this thread.
ControlAnswer SendControl(SC_HANDLE service, DWORD control);

// Replaces a status without process id (ControlService's) by a full QueryServiceStatusEx read;
// leaves the answer as it is if that read fails. One more SCM round trip.
void CompleteStatus(SC_HANDLE service, ControlAnswer& answer);
