// Terminal output of the CLI: aligned tables, colour only on a TTY (and never with NO_COLOR or
// --no-color), human durations, and progress while waiting.

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** A terminal's stdin has isTTY and setRawMode (the password prompt reads it with echo off). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Colour on stdout (decided once from the options and the stream). */
  color: boolean;
  /** `--json`: one JSON document on stdout, errors included (json-output.ts). */
  json?: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(io: Pick<Io, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

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

/**
 * The word for a service's state, one for status, list and show: the SCM's state
 * (`running`, `stop_pending`...), or `backoff` while the host waits to restart the program (the
 * SCM then still says running).
 */
export function stateWord(state: string | number, hostState: string | null = null): string {
  return hostState === 'backoff' ? 'backoff' : String(state);
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

/** Controls a program's text may not send to the admin's terminal (tab aside): C0, DEL, C1, and the Unicode line separators and bidirectional controls. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Program text made safe to print on a terminal: every control character shown as an escape
 * instead of sent (ESC as `\x1b`, other C0/C1 controls and DEL as `\xNN`, line separators and
 * bidirectional overrides as `\uNNNN`); tabs stay. A program's output then cannot move the cursor,
 * recolour or retitle the window, write to the clipboard (OSC 52), or forge lines (CR, NEL) on the
 * screen of an administrator running `logs` or `status`. Log files keep the bytes.
 */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Text that holds whole lines (`\n`-separated, as `logs --follow` reads it): each line made
 * visible, the line breaks kept (a CR right before a line break is part of the break).
 */
export function visibleLines(text: string): string {
  return text.split('\n').map((line, i, all) => visibleText(i < all.length - 1 ? line.replace(/\r$/, '') : line)).join('\n');
}

/**
 * JSON for the terminal (`status --json`; `indent` 0: one line): JSON.stringify already escapes C0 controls; this
 * also escapes DEL, C1 controls and the line and bidirectional controls. Still valid JSON with the
 * same values.
 */
export function terminalJson(value: unknown, indent = 2): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
