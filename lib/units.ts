// Durations and sizes as people write them (`500ms`, `2m`, `10M`): the syntax the CLI and the
// services file share. Pure: each caller words its own errors (null here means "not such text").

const DURATION = /^(\d+(?:\.\d+)?)(\s*)(ms|s|m|h)?$/i;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60000, h: 3600000 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const SIZE_FACTOR: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** The longest duration Win32 waits and Node timers take: 2^31-1 ms (about 24.8 days). */
export const MAX_DURATION_MS = 0x7fffffff;

/** Where the duration syntaxes of the CLI and the services file differ. */
export interface DurationSyntax {
  /** A number without a unit is seconds (the CLI's `--backoff 5`); otherwise the unit is required. */
  bareSeconds?: boolean;
  /** Blanks may separate the number and its unit (the services file's `"30 s"`). */
  spaced?: boolean;
}

/**
 * `500ms`, `30s`, `2m` or `1h` (units case-insensitive, surrounding blanks ignored) in
 * milliseconds, not rounded; null when the text is no such duration.
 */
export function durationMs(text: string, syntax: DurationSyntax = {}): number | null {
  const m = DURATION.exec(text.trim());
  if (!m || (m[2] && !syntax.spaced) || (m[3] === undefined && !syntax.bareSeconds)) return null;
  return Number(m[1]) * (UNIT_MS[(m[3] ?? 's').toLowerCase()] as number);
}

/** `512K`, `10M`, `1G` (binary multiples; `KB`, `KiB` too) or a number of bytes -> bytes; null when not a size. */
export function sizeBytes(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * (SIZE_FACTOR[(m[2] ?? 'b').toLowerCase()[0] as string] as number));
}
