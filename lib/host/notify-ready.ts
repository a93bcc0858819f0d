// The program's side of `--ready-timeout`: a Node program run by the scm-native host tells it that
// it is ready, over the IPC channel the host opens for it.

/** The IPC message a Node program sends when it is ready. */
export const READY_MESSAGE = { type: 'scm-native:ready' } as const;

/**
 * Tells the scm-native service host that this program is ready to work: a service installed with
 * `readyTimeout` (`scm-native install --ready-timeout`) leaves START_PENDING and reports RUNNING
 * (SetServiceStatus, done by the host). Returns whether the message was sent: false when this
 * process was not started by the host with an IPC channel, so calling it is always safe. Calling
 * it again (or after a restart of the program) is harmless.
 */
export function notifyServiceReady(): boolean {
  if (typeof process.send !== 'function' || !process.connected) return false;
  // A channel closing meanwhile is not this caller's problem: no 'error' event for it.
  process.send(READY_MESSAGE, undefined, undefined, () => {});
  return true;
}
