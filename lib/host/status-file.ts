// What the running host publishes about its program for `scm-native status`: a small JSON file
// beside the log, `<log dir>/<name>.status.json`, replaced atomically on every change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileBaseName } from '../file-names';
import { renameWithRetry } from './atomic-rename';

export interface HostStatus {
  service: string;
  hostPid: number;
  /** `running`, `backoff` (waiting to restart), `stopping`, `stopped`. */
  state: string;
  programPid: number | null;
  restarts: number;
  serviceStartedAt: string;
  programStartedAt: string | null;
  nextRestartAt: string | null;
  lastExit: { code: number | null; at: string; runtimeMs: number; error?: string } | null;
  /** The last lines of stderr of a run that failed early. */
  lastStderr: string[];
  /** How supervision ended (once it has). */
  outcome: { reason: string; serviceCode: number } | null;
  updatedAt: string;
}

export function statusFilePath(logDir: string, service: string): string {
  return path.join(logDir, `${fileBaseName(service)}.status.json`);
}

/**
 * Replaces the status file through a temporary file and a rename; the rename is tried again for
 * about a second while another process holds the file (lib/host/atomic-rename.ts).
 */
export function writeStatusFile(file: string, status: HostStatus): void {
  const text = `${JSON.stringify(status, null, 2)}\n`;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, text);
    renameWithRetry(tmp, file);
  } catch {
    try {
      fs.writeFileSync(file, text);
    } catch {
      // status is informative only; never let it stop the service
    }
    fs.rmSync(tmp, { force: true });
  }
}

export function readStatusFile(file: string): HostStatus | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as HostStatus;
  } catch {
    return null;
  }
}
