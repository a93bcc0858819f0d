// A hosted service's logs as the CLI's `logs` and `rotate` and the library see them: the current
// file and its rotated ones (lib/host/log-writer.ts), the separate stderr log, following across
// rotations (lib/host/log-follower.ts), and asking the running host to rotate.
import * as path from 'node:path';
import { controlService } from '../services/control';
import { checkBoolean, checkInteger, checkOptions, checkServiceName } from '../validation';
import { ROTATE_CONTROL } from './host';
import { DIRECT_ROTATION_REFUSAL } from './host-log';
import { LogFollower } from './log-follower';
import { logName, stderrLogName } from './log-writer';
import { hostedSettings } from './settings';
import type { HostSettings } from './settings';

/**
 * Makes the host of a running hosted service start a new log file now (between two lines), as
 * `nssm rotate` does: for log shippers and for keeping a file of one period. Rejects with an
 * ScmError ERROR_SERVICE_NOT_ACTIVE when the service is not running, and with a RangeError
 * before any control when the program writes its log itself (`logDirect`). Wraps
 * ControlServiceExW with the user-defined control 128.
 */
export async function rotateProgramServiceLog(name: string): Promise<void> {
  const service = checkServiceName(name, 'name');
  const settings = await hostedSettings(service);
  // The host cannot move a file the program holds open and writes itself.
  if (settings.log.direct) throw new RangeError(`${service}: ${DIRECT_ROTATION_REFUSAL}`);
  await controlService(service, ROTATE_CONTROL);
}

/** Options of the log functions: which log. */
export interface ProgramLogOptions {
  /** The separate stderr log (`<name>.err.log`, `logStderr: 'separate'`) instead of the main one. */
  stderr?: boolean;
}

/** `options` of the log functions, checked before anything is read. */
function checkLogOptions(options: unknown): ProgramLogOptions {
  const opts = checkOptions<ProgramLogOptions>(options);
  checkBoolean(opts.stderr, 'options.stderr', false);
  return opts;
}

/** The base name of the log `options` select, checked against the settings. */
function logNameOf(service: string, settings: HostSettings, options: unknown): string {
  const opts = checkOptions<ProgramLogOptions>(options);
  if (!checkBoolean(opts.stderr, 'options.stderr', false)) return logName(service);
  if (settings.log.stderr !== 'separate') throw new RangeError(`${service} logs stderr with stdout in one file (install or update it with logStderr 'separate' for a stderr log)`);
  return stderrLogName(service);
}

/** The current log file of a hosted service (or its separate stderr log). */
export async function programServiceLogFile(name: string, options?: ProgramLogOptions): Promise<string> {
  const service = checkServiceName(name, 'name');
  checkLogOptions(options);
  const settings = await hostedSettings(service);
  return path.join(settings.log.dir, `${logNameOf(service, settings, options)}.log`);
}

/**
 * The last `count` lines of a hosted service's log, reaching back into the rotated files when the
 * current one has fewer.
 */
export async function readProgramServiceLog(name: string, count: number, options?: ProgramLogOptions): Promise<string[]> {
  return (await followProgramServiceLog(name, count, options)).lines;
}

/**
 * Follows a hosted service's log: `lines` are its last `count` lines (as
 * {@link readProgramServiceLog}); each `follower.poll()` returns the complete lines written
 * since, across rotations, none missed and none twice.
 */
export async function followProgramServiceLog(name: string, count: number, options?: ProgramLogOptions): Promise<{ lines: string[]; follower: LogFollower }> {
  const service = checkServiceName(name, 'name');
  const wanted = checkInteger(count, 'count', 0, 0x7fffffff);
  checkLogOptions(options);
  const settings = await hostedSettings(service);
  const follower = new LogFollower(settings.log.dir, logNameOf(service, settings, options));
  return { lines: follower.start(wanted), follower };
}
