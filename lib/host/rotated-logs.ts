// The rotated files of a service log in its folder: `<name>.<yyyymmdd-hhmmss>.<nnn>.log`, and with
// `--log-compress` the same name plus `.gz` (and `.gz.tmp` while, or if a crash came while, one is
// being written). The time stamp and counter in the name order them; a compressed file keeps its
// place, so retention (`log.keep`) and readers see one sequence whatever the form.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Suffix of a compressed rotated file. */
export const GZ_SUFFIX = '.gz';
/** Suffix of a compressed file being written; renamed to {@link GZ_SUFFIX} once complete. */
export const GZ_TMP_SUFFIX = '.gz.tmp';

/** One rotated file in whichever forms exist now. */
export interface RotatedLog {
  /** The plain file's path (`...<nnn>.log`), whether it exists or not: the entry's name. */
  plain: string;
  hasPlain: boolean;
  /** A complete compressed copy (`<plain>.gz`) exists. */
  hasGz: boolean;
  /** A compressed copy being written, or one a crash left (`<plain>.gz.tmp`), exists. */
  hasTmp: boolean;
}

const rotatedPattern = (name: string) => {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(${escaped}\\.\\d{8}-\\d{6}\\.\\d{3}\\.log)(\\.gz|\\.gz\\.tmp)?$`);
};

function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** The rotated files of the log `<dir>/<name>.log` in every form, oldest first. */
export function rotatedLogSet(dir: string, name: string): RotatedLog[] {
  const pattern = rotatedPattern(name);
  const byName = new Map<string, RotatedLog>();
  for (const entry of namesIn(dir)) {
    const match = pattern.exec(entry);
    if (!match) continue;
    const base = match[1] as string;
    let log = byName.get(base);
    if (!log) {
      log = { plain: path.join(dir, base), hasPlain: false, hasGz: false, hasTmp: false };
      byName.set(base, log);
    }
    if (match[2] === undefined) log.hasPlain = true;
    else if (match[2] === GZ_SUFFIX) log.hasGz = true;
    else log.hasTmp = true;
  }
  return [...byName.keys()].sort().map((base) => byName.get(base) as RotatedLog);
}

/** The plain (uncompressed) rotated files of the log `<dir>/<name>.log`, oldest first. */
export function rotatedLogFiles(dir: string, name: string): string[] {
  return rotatedLogSet(dir, name).filter((log) => log.hasPlain).map((log) => log.plain);
}

/**
 * The rotated files a reader can read, oldest first: the plain file where it exists, else the
 * compressed one (`.gz`); copies still being written are left out.
 */
export function readableRotatedLogs(dir: string, name: string): string[] {
  return rotatedLogSet(dir, name).filter((log) => log.hasPlain || log.hasGz).map((log) => (log.hasPlain ? log.plain : `${log.plain}${GZ_SUFFIX}`));
}
