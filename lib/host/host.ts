// The service host: the process the SCM starts for a service installed by `scm-native install`.
// It reads its settings from the registry, enters its kill-on-close job, becomes the service with
// runAsService, and supervises the program: output to the rotating log, restarts with backoff,
// graceful stop with a deadline, its state in the status file and lifecycle events in the event log.
import * as fs from 'node:fs';
import { reportEvent } from '../as-service/event-log';
import { logServiceProblem } from '../as-service/service-host';
import type { EventType } from '../as-service/event-log';
import { runAsService, updateServiceStatus } from '../as-service/run-as-service';
import type { ServiceControl } from '../as-service/controls';
import { HOST_PREFIX, openHostLog, seconds } from './host-log';
import { LineRing, LineSplitter } from './log-writer';
import { ProgramPidFile } from './pid-file';
import { enterJob, launchProgram } from './program';
import { readSettings } from './settings';
import type { HostSettings } from './settings';
import { statusFilePath, writeStatusFile } from './status-file';
import type { HostStatus } from './status-file';
import { preStartExitCode, runServiceHook } from './hooks';
import { ReadinessWait } from './readiness';
import { exitSucceeded, Supervisor } from './supervisor';
import type { SupervisorEvent, SupervisorOutcome } from './supervisor';

export interface HostOptions {
  /** Run in the foreground (runAsService debug mode): output on this console, Ctrl+C stops. */
  debug?: boolean;
  /** Settings to use instead of the registry's (tests). */
  settings?: HostSettings;
}

/**
 * The service-specific exit code of a host that cannot run its program at all (settings missing
 * or unreadable, program, interpreter or working directory gone): like ERROR_FILE_NOT_FOUND.
 */
export const HOST_SETUP_FAILURE = 2;

export { HOOK_FAILURE } from './hooks';
export { HOST_PREFIX };

/** The Win32 exit code of a start that failed because the program never reported ready. */
const ERROR_SERVICE_REQUEST_TIMEOUT = 1053;

/** Without settings there is no log: the SCM gets the exit code, the event log the reason. */
async function failWithoutSettings(service: string, problem: string): Promise<null> {
  logServiceProblem(`scm-native host: ${problem}`);
  await runAsService({
    [service]: (control: ServiceControl, name: string, seq: number) => {
      if (control !== 'start') return undefined;
      reportEvent(service, 'error', `${service}: cannot start: ${problem}`).catch(() => {}).finally(() => {
        updateServiceStatus(name, seq, 'stopped', { serviceCode: HOST_SETUP_FAILURE });
      });
      return undefined;
    },
  }, { controls: ['stop', 'shutdown'] });
  return null;
}

const STDERR_TAIL = 20;

/**
 * The user-defined control (`scm-native rotate`, `rotateProgramServiceLog`) that makes the host
 * rotate its log now, as `nssm rotate` does with the same code.
 */
export const ROTATE_CONTROL = 128;

/**
 * Runs the service `service` in this process until it stops. Resolves with the outcome (null when
 * the service was never started). Rejects when the settings cannot be read or the SCM did not
 * start this process (without `debug`).
 */
export async function runHost(service: string, options: HostOptions = {}): Promise<SupervisorOutcome | null> {
  const debug = options.debug === true;
  let settings: HostSettings | null = options.settings ?? null;
  let problem: string | null = null;
  try {
    settings ??= await readSettings(service);
    if (!settings) problem = `service '${service}' has no scm-native settings (install it with 'scm-native install')`;
  } catch (error) {
    problem = `the settings of service '${service}' cannot be read: ${(error as Error).message}`;
  }
  if (!settings || problem) {
    if (debug) throw new Error(problem ?? 'no settings');
    return failWithoutSettings(service, problem as string);
  }
  const missing = [settings.program, settings.interpreter, settings.cwd].find((p) => p !== null && !fs.existsSync(p));
  if (missing !== undefined) problem = `${missing} does not exist (anymore): fix it with 'scm-native update ${service}'`;
  const sink = openHostLog(service, settings, debug);
  const statusFile = statusFilePath(settings.log.dir, service);
  const pendingEvents = new Set<Promise<void>>();
  const event = (type: EventType, message: string) => {
    if (debug) return;
    const sent = reportEvent(service, type, message).catch(() => {});
    pendingEvents.add(sent);
    void sent.finally(() => pendingEvents.delete(sent));
  };

  const inJob = settings.killTree ? enterJob((m) => sink.host(m)) : false;
  const stderrTail = new LineRing(STDERR_TAIL);
  const status: HostStatus = {
    service, hostPid: process.pid, state: 'starting', programPid: null, restarts: 0, serviceStartedAt: new Date().toISOString(),
    programStartedAt: null, nextRestartAt: null, lastExit: null, lastStderr: [], outcome: null, updatedAt: '',
  };
  const publish = () => {
    if (debug) return;
    status.updatedAt = new Date().toISOString();
    writeStatusFile(statusFile, status);
  };

  let outcome: SupervisorOutcome | null = null;
  let stopRequested = false;
  let supervisor: Supervisor | null = null;

  const pidFile = new ProgramPidFile(settings.pidFile, (m) => sink.host(m));

  const onEvent = (e: SupervisorEvent) => {
    switch (e.type) {
      case 'started':
        stderrTail.clear();
        status.state = readiness.pending ? 'starting' : 'running';
        status.programPid = e.pid ?? null;
        status.programStartedAt = new Date().toISOString();
        status.nextRestartAt = null;
        status.restarts = supervisor?.restarts ?? 0;
        sink.host(`program started (run ${e.run}, pid ${e.pid ?? 'none'})`);
        pidFile.write(e.pid);
        break;
      case 'exited': {
        pidFile.remove();
        const code = e.exit.code === null ? 'none' : String(e.exit.code);
        status.programPid = null;
        status.programStartedAt = null;
        status.lastExit = { code: e.exit.code, at: new Date().toISOString(), runtimeMs: e.runtimeMs, ...(e.exit.error ? { error: e.exit.error } : {}) };
        sink.host(`program exited with code ${code}${e.exit.error ? ` (${e.exit.error})` : ''} after ${seconds(e.runtimeMs)}${e.stopping ? ' (stopping)' : ''}`);
        const failed = !exitSucceeded(e.exit, settings.successExitCodes);
        const failedEarly = !e.stopping && failed && e.runtimeMs < settings.earlyExitWindow;
        if (failedEarly) {
          status.lastStderr = stderrTail.items;
          const tail = status.lastStderr.length ? status.lastStderr : ['(nothing on stderr)'];
          sink.host(`the program failed ${seconds(e.runtimeMs)} after it started; last lines of its stderr:`);
          for (const line of tail) sink.host(`  | ${line}`);
          event('error', `${service}: the program exited with code ${code} ${seconds(e.runtimeMs)} after it started. Last lines of its stderr:\n${tail.join('\n')}`);
        } else if (failed && !e.stopping) {
          event('warning', `${service}: the program exited with code ${code} after ${seconds(e.runtimeMs)}`);
        }
        break;
      }
      case 'backoff':
        status.state = 'backoff';
        status.nextRestartAt = new Date(Date.now() + e.delayMs).toISOString();
        sink.host(`restarting in ${seconds(e.delayMs)} (backoff so far ${seconds(e.cumulativeMs)} of ${seconds(settings.backoffLimit)})`);
        break;
      case 'give-up':
        sink.host(`giving up: the restarts waited ${seconds(e.cumulativeMs)} in all, more than ${seconds(settings.backoffLimit)}; stopping the service with exit code ${e.serviceCode}`);
        event('error', `${service}: the program keeps failing; gave up after ${seconds(e.cumulativeMs)} of backoff. The service stops with service-specific exit code ${e.serviceCode}.`);
        break;
      case 'stop-requested':
        status.state = 'stopping';
        sink.host(e.state === 'backoff' ? 'stop requested while waiting to restart: stopping now' : `stop requested: asking the program to exit (${settings.stopMethod}, timeout ${seconds(settings.stopTimeout)})`);
        break;
      case 'restart-requested':
        status.state = 'restarting';
        sink.host(`the program asked to be restarted: asking it to exit (${settings.stopMethod}, timeout ${seconds(settings.stopTimeout)}), then starting it again`);
        break;
      case 'stop-timeout':
        sink.host(`the program did not exit within ${seconds(settings.stopTimeout)}: terminating ${settings.killTree ? 'its process tree' : 'it'}`);
        break;
      case 'finished':
        outcome = e.outcome;
        status.state = 'stopped';
        status.outcome = { reason: e.outcome.reason, serviceCode: e.outcome.serviceCode };
        status.nextRestartAt = null;
        break;
      default:
        break;
    }
    publish();
  };

  const splitters = () => {
    const out = new LineSplitter((line) => sink.stdout(line));
    const err = new LineSplitter((line) => {
      stderrTail.push(line);
      sink.stderr(line);
    });
    return { out, err };
  };

  // `--ready-timeout`: START_PENDING until the program's first ready message, or fail the start.
  const readiness = new ReadinessWait(settings.readyTimeout, {
    note: (m) => sink.host(m),
    ready: () => {
      status.state = 'running';
      publish();
    },
    timedOut: () => {
      event('error', `${service}: the program did not report ready within ${seconds(settings.readyTimeout)}; the start failed`);
      if (supervisor) void (supervisor as Supervisor).stop();
    },
  });

  const startSupervision = (startArgs: readonly string[]) => {
    supervisor = new Supervisor(settings, (run) => {
      const { out, err } = splitters();
      return launchProgram({
        service, settings, inJob,
        output: { stdout: (c) => out.push(c), stderr: (c) => err.push(c), end: () => { out.flush(); err.flush(); } },
        note: (m) => sink.host(m),
        startArgs,
        ready: () => readiness.programReady(run),
        restart: () => {
          if (supervisor?.restart() === false) sink.host(`restart request of run ${run} ignored: the program is ${supervisor.currentState}`);
        },
      });
    }, onEvent);
    supervisor.start();
    return supervisor;
  };

  /** Runs the post-stop command, if any, with STOP_PENDING reported meanwhile; never fails. */
  const runPostStop = async (name: string): Promise<void> => {
    if (settings.postStop === null) return;
    updateServiceStatus(name, 0, 'stop_pending', { waitHint: Math.min(settings.hookTimeout + 5000, 0x7fffffff) });
    await runServiceHook('post-stop', settings.postStop, service, settings, sink);
  };

  const handler = (control: ServiceControl, name: string, seq: number, code: number, ...extra: unknown[]) => {
    switch (control) {
      case 'user_defined':
        if (code === ROTATE_CONTROL) {
          sink.host('log rotation requested');
          if (!sink.rotate()) sink.host('log not rotated: there is no log file (debug mode), or the rotation failed');
        }
        return undefined;
      case 'start': {
        sink.host(`service ${name} starting (host pid ${process.pid}${debug ? ', debug mode' : ''})`);
        if (problem) {
          sink.host(`cannot start: ${problem}`);
          event('error', `${service}: cannot start: ${problem}`);
          outcome = { reason: 'failed', serviceCode: HOST_SETUP_FAILURE, lastExit: null };
          status.state = 'stopped';
          status.outcome = { reason: 'failed', serviceCode: HOST_SETUP_FAILURE };
          updateServiceStatus(name, seq, 'stopped', { serviceCode: HOST_SETUP_FAILURE });
          return undefined;
        }
        event('information', `${service}: service started`);
        const given = control === 'start' && Array.isArray(extra[0]) ? (extra[0] as string[]) : [];
        if (given.length > 0) sink.host(`start arguments: ${given.join(' ')}${settings.passStartArgs ? ' (passed to the program)' : ' (not passed to the program: install with --pass-start-args)'}`);
        const begin = (reportRunning: boolean) => {
          if (settings.readyTimeout > 0) readiness.wait(name, seq);
          const sup = startSupervision(settings.passStartArgs ? given : []);
          sup.finished.then(async (result) => {
            readiness.settle();
            await runPostStop(name);
            const serviceCode = result.serviceCode;
            const timedOut = readiness.timedOut;
            sink.host(`service stopped (${timedOut ? 'the program never reported ready' : result.reason}${serviceCode ? `, service-specific exit code ${serviceCode}` : ''})`);
            event(serviceCode || timedOut ? 'error' : 'information', `${service}: service stopped (${result.reason}${serviceCode ? `, exit code ${serviceCode}` : ''})`);
            updateServiceStatus(name, 0, 'stopped', timedOut ? { exitCode: ERROR_SERVICE_REQUEST_TIMEOUT } : serviceCode ? { serviceCode } : {});
          });
          if (reportRunning && settings.readyTimeout === 0) updateServiceStatus(name, seq, 'running');
        };
        if (settings.preStart === null) {
          begin(false);
          return settings.readyTimeout > 0 ? undefined : 'running';
        }
        // START_PENDING while the pre-start command runs; it decides whether the program starts.
        updateServiceStatus(name, seq, 'start_pending', { waitHint: Math.min(settings.hookTimeout + 5000, 0x7fffffff) });
        const preStart = settings.preStart;
        void runServiceHook('pre-start', preStart, service, settings, sink).then(preStartExitCode).then((serviceCode) => {
          // A stop that came meanwhile (debug mode's Ctrl+C; the SCM refuses stops while starting).
          if (stopRequested) return;
          if (serviceCode === 0) {
            begin(true);
            return;
          }
          outcome = { reason: 'failed', serviceCode, lastExit: null };
          status.state = 'stopped';
          status.outcome = { reason: 'failed', serviceCode };
          publish();
          event('error', `${service}: the pre-start command failed; the service did not start (service-specific exit code ${serviceCode})`);
          updateServiceStatus(name, 0, 'stopped', { serviceCode });
        });
        return undefined;
      }
      case 'stop':
      case 'preshutdown':
      case 'shutdown':
        // The SCM sees STOP_PENDING with advancing checkpoints until the program is gone.
        updateServiceStatus(name, seq, 'stop_pending', { waitHint: Math.min(settings.stopTimeout + 5000, 0x7fffffff) });
        stopRequested = true;
        if (supervisor) void (supervisor as Supervisor).stop();
        else updateServiceStatus(name, 0, 'stopped');
        return undefined;
      default:
        return undefined;
    }
  };

  try {
    // PRESHUTDOWN: at system shutdown the program gets its whole stop timeout (the preshutdown
    // timeout set at install), where SHUTDOWN alone allows a few seconds for all services.
    await runAsService({ [service]: handler }, { controls: ['stop', 'preshutdown', 'shutdown'], debug, failureExitCode: 1 });
  } finally {
    // Normally gone with the program's exit already; this covers the host ending some other way.
    pidFile.remove();
    publish();
    sink.close();
    // The last events (service stopped) before the process ends, but never wait long for them.
    await Promise.race([Promise.all(pendingEvents), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  return outcome;
}
