// Terminal output of the CLI: aligned tables, colour only on a TTY (and never with NO_COLOR or
// --no-color), human durations, and progress while waiting.

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** A terminal's stdin has isTTY and setRawMode (the password prompt reads it with echo off). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Colour on stdout (decided once from the options and the stream). */
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(io: Pick<Io, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (text: string) => text.replace(ANSI, '').length;

/** Rows as aligned columns (the header underlined by nothing: plain text stays parseable). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] as number) - visible(c)))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** 3723000 -> `1h 2m 3s`; under a minute with one decimal under 10 s. */
export function humanDuration(ms: number): string {
  if (ms < 10000) return `${(ms / 1000).toFixed(1)}s`;
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', `${s}s`].filter(Boolean).slice(0, 3).join(' ');
}

export function stateColour(state: string): Colour {
  if (state === 'running') return 'green';
  if (state === 'stopped') return 'gray';
  if (state === 'backoff' || state.endsWith('_pending') || state === 'stopping' || state === 'paused') return 'yellow';
  return 'cyan';
}

/**
 * Shows `label` while `work` runs: an animated line on a TTY, one line otherwise. The final
 * word (`done`, or what `finish` returns) ends the line.
 */
export async function withProgress<T>(io: Io, label: string, work: Promise<T>, finish: (value: T) => string = () => 'done'): Promise<T> {
  const tty = Boolean(io.stderr.isTTY);
  const started = Date.now();
  let timer: NodeJS.Timeout | null = null;
  if (tty) {
    const frames = ['|', '/', '-', '\\'];
    let i = 0;
    const draw = () => {
      io.stderr.write(`\r${label} ${frames[i++ % frames.length]} ${humanDuration(Date.now() - started)}   `);
    };
    draw();
    timer = setInterval(draw, 120);
  } else {
    io.stderr.write(`${label}...\n`);
  }
  try {
    const value = await work;
    if (tty) io.stderr.write(`\r${label}: ${finish(value)} (${humanDuration(Date.now() - started)})        \n`);
    return value;
  } catch (error) {
    if (tty) io.stderr.write(`\r${label}: failed        \n`);
    throw error;
  } finally {
    if (timer) clearInterval(timer);
  }
}
