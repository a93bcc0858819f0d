// How the supervisor's events show outside the host: each updates the status file and writes a
// log line; a program that fails early, each restart (with why) and giving up also get an
// event-log entry; the program's start and exit write and delete the pid file.
import { exitCodeText } from '../exit-code-text';
import type { HostEventLog } from './host-event-log';
import { seconds } from './host-log';
import type { HostLog } from './host-log';
import type { HostStatusRecord } from './host-status';
import type { LineRing } from './log-writer';
import type { ProgramPidFile } from './pid-file';
import type { HostSettings } from './settings';
import { exitSucceeded } from './supervisor';
import type { SupervisorEvent } from './supervisor';

/** What the events update and where they are written. */
export interface EventTargets {
  settings: HostSettings;
  status: HostStatusRecord;
  log: HostLog;
  eventLog: HostEventLog;
  pidFile: ProgramPidFile;
  /** The current run's last stderr lines, shown when it fails early. */
  stderrTail: LineRing;
  /** Whether the start still waits for the program's ready message (`--ready-timeout`). */
  readiness: { readonly pending: boolean };
}

/** Shows one supervisor event: status file, log, event log, pid file. */
export function showSupervisorEvent(e: SupervisorEvent, to: EventTargets): void {
  const { settings, status, log } = to;
  switch (e.type) {
    case 'started':
      to.stderrTail.clear();
      status.state = to.readiness.pending ? 'starting' : 'running';
      status.programPid = e.pid ?? null;
      status.programStartedAt = new Date().toISOString();
      status.nextRestartAt = null;
      log.host(`program started (run ${e.run}, pid ${e.pid ?? 'none'})`);
      to.pidFile.write(e.pid);
      break;
    case 'exited': {
      to.pidFile.remove();
      const code = exitCodeText(e.exit.code);
      status.programPid = null;
      status.programStartedAt = null;
      status.lastExit = { code: e.exit.code, at: new Date().toISOString(), runtimeMs: e.runtimeMs, ...(e.exit.error ? { error: e.exit.error } : {}) };
      log.host(`program exited with code ${code}${e.exit.error ? ` (${e.exit.error})` : ''} after ${seconds(e.runtimeMs)}${e.stopping ? ' (stopping)' : ''}`);
      const failed = !exitSucceeded(e.exit, settings.successExitCodes);
      const failedEarly = !e.stopping && failed && e.runtimeMs < settings.earlyExitWindow;
      if (failedEarly) {
        status.lastStderr = to.stderrTail.items;
        // A log the program writes itself with stderr and stdout in one file: the host cannot tell them apart.
        const stream = settings.log.direct && settings.log.stderr === 'merge' ? 'output' : 'stderr';
        const tail = status.lastStderr.length ? status.lastStderr : [`(nothing on ${stream})`];
        log.host(`the program failed ${seconds(e.runtimeMs)} after it started; last lines of its ${stream}:`);
        for (const line of tail) log.host(`  | ${line}`);
        to.eventLog.report('early-failure', 'error', `the program exited with code ${code} ${seconds(e.runtimeMs)} after it started. Last lines of its ${stream}:\n${tail.join('\n')}`);
      }
      // Whatever follows a failure is an entry of its own: a restart, giving up, or the stop.
      break;
    }
    case 'backoff': {
      status.state = 'backoff';
      status.nextRestartAt = new Date(Date.now() + e.delayMs).toISOString();
      log.host(`restarting in ${seconds(e.delayMs)} (backoff so far ${seconds(e.cumulativeMs)} of ${seconds(settings.backoffLimit)})`);
      const failed = !exitSucceeded(e.exit, settings.successExitCodes);
      to.eventLog.report('restart', failed ? 'warning' : 'information',
        `restarting the program in ${seconds(e.delayMs)} (restart ${e.restarts + 1}): it exited with code ${exitCodeText(e.exit.code)}${e.exit.error ? ` (${e.exit.error})` : ''} after ${seconds(e.runtimeMs)}${failed ? '' : `, and the restart policy is ${settings.restart}`}`);
      break;
    }
    case 'give-up':
      log.host(`giving up: the restarts waited ${seconds(e.cumulativeMs)} in all, more than ${seconds(settings.backoffLimit)}; stopping the service with exit code ${exitCodeText(e.serviceCode)}`);
      to.eventLog.report('gave-up', 'error', `the program keeps failing; gave up after ${seconds(e.cumulativeMs)} of backoff. The service stops with service-specific exit code ${exitCodeText(e.serviceCode)}.`);
      break;
    case 'stop-requested':
      status.state = 'stopping';
      log.host(e.state === 'backoff' ? 'stop requested while waiting to restart: stopping now' : `stop requested: asking the program to exit (${settings.stopMethod}, timeout ${seconds(settings.stopTimeout)})`);
      break;
    case 'restart-requested':
      status.state = 'restarting';
      log.host(`${e.reason.text}: asking it to exit (${settings.stopMethod}, timeout ${seconds(settings.stopTimeout)}), then starting it again`);
      to.eventLog.report('restart', e.reason.severity, `restarting the program: ${e.reason.text}`);
      break;
    case 'recycle':
      // Health checks or the memory limit (health-check.ts, memory-watch.ts): why, in both logs.
      status.state = 'restarting';
      log.host(`restarting: ${e.why}; asking the program to exit (${settings.stopMethod}, timeout ${seconds(settings.stopTimeout)}), then starting it again after the backoff`);
      to.eventLog.report('restart', 'warning', `restarting the program: ${e.why}`);
      break;
    case 'stop-timeout':
      log.host(`the program did not exit within ${seconds(settings.stopTimeout)}: terminating ${settings.killTree ? 'its process tree' : 'it'}`);
      break;
    case 'finished':
      status.outcome = e.outcome;
      status.state = 'stopped';
      status.nextRestartAt = null;
      break;
    default:
      break;
  }
  status.publish();
}
