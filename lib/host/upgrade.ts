// `scm-native upgrade`: hosted services run the host from a runtime folder of the version that
// installed them (host-runtime.ts). After `npm update scm-native`, upgrade points them to this
// version's folder, restarting running ones one at a time so that each picks up the new host,
// then removes the runtime folders no hosted service runs from any more.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine, quoteCommandLine } from '../command-line';
import { ScmError } from '../errors/scm-error';
import { getServiceConfiguration, setServiceConfiguration } from '../services/configuration';
import { restartService } from '../services/restart';
import { getServiceStatus } from '../services/query';
import { checkServiceName, checkStringArray } from '../validation';
import { hostCommandIn, installHostRuntime, runtimeFolderOf, runtimesRoot } from './host-runtime';
import { listProgramServices } from './manage';
import { hostedSettings } from './settings';

/** What {@link upgradeProgramServices} did. */
export interface UpgradeResult {
  /** Services pointed to this version's runtime (`restarted`: it was running, and was restarted). */
  upgraded: { name: string; from: string; restarted: boolean }[];
  /** Services already on this version's runtime. */
  current: string[];
  /** Runtime folders removed: no hosted service runs from them. */
  removed: string[];
  /** Unused runtime folders that could not be removed (a process still holds a file), with why. */
  kept: { folder: string; reason: string }[];
}

/** The runtime folders a command line runs from. */
function foldersOf(commandLine: string | undefined): string[] {
  if (!commandLine) return [];
  return parseCommandLine(commandLine).map(runtimeFolderOf).filter((f): f is string => f !== null);
}

/**
 * Points the hosted services `names` (all of them for null) to this package's runtime folder
 * (installed first if needed): ChangeServiceConfigW with the new command, then, for a running
 * service, a restart (stop and start, one service at a time). Then removes the runtime folders
 * under %ProgramFiles%\scm-native that no hosted service uses. `progress` hears each step.
 */
export async function upgradeProgramServices(names: readonly string[] | null, progress: (line: string) => void = () => {}): Promise<UpgradeResult> {
  const wanted = names === null ? null : checkStringArray(names, 'names').map((n) => checkServiceName(n, 'names[]'));
  if (typeof progress !== 'function') throw new TypeError(`progress must be a function, got type ${typeof progress}`);
  for (const name of wanted ?? []) await hostedSettings(name); // ERR_SCM_NOT_HOSTED before anything changes
  const runtime = await installHostRuntime();
  const hosted = (await listProgramServices()).map((s) => s.name);
  const result: UpgradeResult = { upgraded: [], current: [], removed: [], kept: [] };
  const inUse = new Set<string>();
  for (const name of hosted) {
    const { command } = await getServiceConfiguration(name, { fields: ['command'] });
    const selected = wanted === null || wanted.some((w) => w.toLowerCase() === name.toLowerCase());
    const desired = hostCommandIn(runtime, name, (await hostedSettings(name)).hostGroup);
    const desiredLine = quoteCommandLine([desired.path, ...desired.args]);
    if (!selected || (command ?? '').toLowerCase() === desiredLine.toLowerCase()) {
      if (selected) result.current.push(name);
      for (const folder of foldersOf(selected ? desiredLine : command)) inUse.add(folder.toLowerCase());
      continue;
    }
    const from = command ?? '';
    const running = (await getServiceStatus(name)).state !== 'stopped';
    progress(`${name}: ${running ? 'restarting on' : 'pointing to'} ${runtime.root}`);
    await setServiceConfiguration(name, { command: desired });
    if (running) {
      const settings = await hostedSettings(name);
      const restarted = await restartService(name, { wait: settings.stopTimeout + settings.readyTimeout + 45000 });
      if (!restarted) throw new ScmError({ code: 'ERR_SCM_UPGRADE_RESTART', service: name, detail: `${name} did not run again after its restart on ${runtime.root}` });
    }
    result.upgraded.push({ name, from, restarted: running });
    for (const folder of foldersOf(desiredLine)) inUse.add(folder.toLowerCase());
  }
  for (const folder of unusedRuntimeFolders(inUse)) {
    try {
      fs.rmSync(folder, { recursive: true });
      result.removed.push(folder);
      progress(`removed ${folder}`);
    } catch (error) {
      result.kept.push({ folder, reason: (error as Error).message });
    }
  }
  return result;
}

/** How old a temporary runtime folder must be to count as left over (an install may be filling it). */
const TEMPORARY_GRACE_MS = 10 * 60 * 1000;

/** The folders under %ProgramFiles%\scm-native not in `inUse` (lower case), left-over temporary ones included. */
function unusedRuntimeFolders(inUse: ReadonlySet<string>): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(runtimesRoot(), { withFileTypes: true });
  } catch {
    return [];
  }
  const settled = (folder: string) => !folder.includes('.tmp-') || Date.now() - fs.statSync(folder).mtimeMs > TEMPORARY_GRACE_MS;
  return entries.filter((e) => e.isDirectory()).map((e) => path.win32.join(runtimesRoot(), e.name))
    .filter((f) => !inUse.has(f.toLowerCase()) && settled(f));
}
