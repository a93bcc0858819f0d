// The program's side of the host: a Node program run by the scm-native host tells it that it is
// ready (`--ready-timeout`), or asks it to restart the program (say, after updating itself), over
// the IPC channel the host opens for it. (The host's own message, STOP_MESSAGE, is in program.ts.)

/** The IPC message a Node program sends when it is ready. */
export const READY_MESSAGE = { type: 'scm-native:ready' } as const;
/** The IPC message a Node program sends to be restarted. */
export const RESTART_MESSAGE = { type: 'scm-native:restart' } as const;

/** Sends `message` to the host; false when there is no IPC channel to it. */
function sendToHost(message: object): boolean {
  if (typeof process.send !== 'function' || !process.connected) return false;
  // A channel closing meanwhile is not this caller's problem: no 'error' event for it.
  process.send(message, undefined, undefined, () => {});
  return true;
}

/**
 * Tells the scm-native service host that this program is ready to work: a service installed with
 * `readyTimeout` (`scm-native install --ready-timeout`) leaves START_PENDING and reports RUNNING
 * (SetServiceStatus, done by the host). Returns whether the message was sent: false when this
 * process was not started by the host with an IPC channel, so calling it is always safe. Calling
 * it again (or after a restart of the program) is harmless.
 */
export function notifyServiceReady(): boolean {
  return sendToHost(READY_MESSAGE);
}

/**
 * Asks the scm-native service host to restart this program: the host stops it as a service stop
 * would (the stop message, or Ctrl+C, then termination at the stop timeout) and starts it again
 * at once, without a backoff; the service stays RUNNING. What a program that updated its own
 * files needs, since stopping and starting its own service would end the program halfway (it runs
 * in the host's job). Returns whether the request was sent (false: not run by the host with an
 * IPC channel, a Node program whose stop method is `ipc` or that has a ready timeout).
 */
export function requestProgramRestart(): boolean {
  return sendToHost(RESTART_MESSAGE);
}
