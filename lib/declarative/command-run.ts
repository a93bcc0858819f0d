// Running one command of a command-defined service: the program found through the entry's `path`
// folders and PATHEXT (never the current folder first), started without a shell (a .cmd/.bat
// through the system's cmd.exe with lib/host/batch.ts's escaping), its stdout and stderr kept, and
// its process tree ended when the command's deadline passes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { batchCommand, isBatchFile } from '../host/batch';
import { ScmError } from '../errors/scm-error';
import { listProcesses, terminateProcess } from '../process-table';
import type { ProcessEntry } from '../process-table';

/** One command that ran: what, how it ended, and what it wrote. */
export interface CommandRun {
  /** The command as declared (argv[0] as written). */
  argv: string[];
  /** The program that ran (argv[0] resolved), null when it was not found. */
  program: string | null;
  /** The exit code; null when it did not end by itself (cut at the timeout) or never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds it ran. */
  ms: number;
  /** Why it did not run or did not finish (not found, cut at the timeout). */
  error?: string;
}

/** How much of each stream is kept (the end of it, where errors are). */
export const MAX_OUTPUT_CHARS = 64 * 1024;

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/** Where {@link resolveCommand} looks: the entry's folders, then PATH; PATHEXT for extensions. */
export interface ResolveContext {
  /** The entry's `path`, `;`-separated folders searched first. */
  folders: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Folder a relative path with a separator (`bin\\run.cmd`) is taken from (the services file's). */
  baseDir: string;
  isFile?: (file: string) => boolean;
}

function isFileOnDisk(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

/** The entry's `path` as folders: `;`-separated, empty pieces dropped. */
export function pathFolders(value: string | undefined): string[] {
  return (value ?? '').split(';').map((f) => f.trim()).filter((f) => f !== '');
}

/**
 * The program argv[0] names, as Windows would find it but without the current folder: a path
 * with a folder (absolute, or relative to `baseDir`) as it is; a bare name in the entry's folders
 * then PATH's. A name without an extension PATHEXT lists gets each of PATHEXT's in turn (`node`
 * -> `node.exe`). Returns null when nothing is found.
 */
export function resolveCommand(name: string, ctx: ResolveContext): string | null {
  const isFile = ctx.isFile ?? isFileOnDisk;
  const exts = (envValue(ctx.env, 'PATHEXT') ?? DEFAULT_PATHEXT).split(';').filter((e) => e.startsWith('.')).map((e) => e.toLowerCase());
  const hasExt = exts.includes(path.win32.extname(name).toLowerCase());
  const candidates = (base: string) => (hasExt ? [base] : exts.map((e) => base + e));
  const first = (bases: string[]) => {
    for (const base of bases) for (const file of candidates(base)) if (isFile(file)) return file;
    return null;
  };
  if (/[\\/]/.test(name)) {
    const full = path.win32.isAbsolute(name) ? path.win32.normalize(name) : path.win32.resolve(ctx.baseDir, name);
    return first([full]);
  }
  const folders = [...ctx.folders, ...pathFolders(envValue(ctx.env, 'PATH'))].filter((f) => path.win32.isAbsolute(f));
  return first(folders.map((f) => path.win32.join(f, name)));
}

/** The child's environment: the entry's folders put before PATH (simplevisor's `path`). */
export function commandEnvironment(env: NodeJS.ProcessEnv, folders: readonly string[]): NodeJS.ProcessEnv {
  if (folders.length === 0) return env;
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'Path';
  const rest = env[key];
  return { ...env, [key]: [...folders, ...(rest ? [rest] : [])].join(';') };
}

/** What spawn gets for a resolved program: a .cmd/.bat through cmd.exe (escaped), anything else directly. */
export function spawnPlan(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { file: string; args: string[]; verbatim: boolean } {
  if (isBatchFile(program)) {
    const cmd = batchCommand(program, args, { what: 'command', first: 1 }, env);
    return { file: cmd.file, args: cmd.args, verbatim: true };
  }
  return { file: program, args: [...args], verbatim: false };
}

function notFound(argv: readonly string[], ctx: ResolveContext): ScmError {
  const where = ctx.folders.length ? `the path folders (${ctx.folders.join(';')}) and PATH` : 'PATH';
  return new ScmError({ code: 'ERR_SCM_COMMAND_NOT_FOUND', detail: `${argv[0]} was not found in ${where} (the current folder is not searched)` });
}

/** Resolves argv[0] or throws ERR_SCM_COMMAND_NOT_FOUND. */
export function programOf(argv: readonly string[], ctx: ResolveContext): string {
  const program = resolveCommand(argv[0] as string, ctx);
  if (program === null) throw notFound(argv, ctx);
  return program;
}

function keepTail(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? text.slice(text.length - MAX_OUTPUT_CHARS) : text;
}

/**
 * Ends a process and every process started under it, found in the process table by parent pid
 * (a child is only followed when it was created after its parent, so a reused parent pid is not
 * followed). Children first. Returns the pids terminated.
 */
export async function terminateTree(pid: number): Promise<number[]> {
  const table: ProcessEntry[] = await listProcesses().catch(() => []);
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const order: ProcessEntry[] = [];
  const visit = (p: ProcessEntry, depth: number) => {
    if (depth > 64) return;
    for (const c of table) {
      if (c.parentPid === p.pid && c.pid !== p.pid && c.createdMs !== null && p.createdMs !== null && c.createdMs >= p.createdMs) visit(c, depth + 1);
    }
    order.push(p);
  };
  const root = byPid.get(pid);
  if (root) visit(root, 0);
  const ended: number[] = [];
  for (const p of order) {
    try {
      if (terminateProcess(p.pid, { createdMs: p.createdMs, exitCode: 1 })) ended.push(p.pid);
    } catch {
      // access denied or gone: nothing more to do for this one
    }
  }
  return ended;
}

/**
 * Runs a command and waits for it to end, keeping the end of its stdout and stderr. When `signal`
 * aborts (the command's timeout), its process tree is terminated and the promise rejects with
 * the signal's reason (ERR_SCM_TIMEOUT), `run` holding what was written until then.
 */
export function runCommand(argv: readonly string[], ctx: ResolveContext, signal: AbortSignal, record: (run: CommandRun) => void): Promise<CommandRun> {
  const started = Date.now();
  const run: CommandRun = { argv: [...argv], program: null, exitCode: null, stdout: '', stderr: '', ms: 0 };
  const done = (error?: string) => {
    run.ms = Date.now() - started;
    if (error !== undefined) run.error = error;
    record(run);
    return run;
  };
  if (signal.aborted) return Promise.reject(signal.reason);
  let program: string;
  let plan: ReturnType<typeof spawnPlan>;
  try {
    program = programOf(argv, ctx);
    run.program = program;
    plan = spawnPlan(program, argv.slice(1), ctx.env);
  } catch (error) {
    done((error as Error).message);
    return Promise.reject(error);
  }
  return new Promise<CommandRun>((resolve, reject) => {
    const child = spawn(plan.file, plan.args, {
      env: commandEnvironment(ctx.env, ctx.folders), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, windowsVerbatimArguments: plan.verbatim,
    });
    let settled = false;
    child.stdout?.on('data', (chunk: Buffer) => { run.stdout = keepTail(run.stdout + chunk.toString()); });
    child.stderr?.on('data', (chunk: Buffer) => { run.stderr = keepTail(run.stderr + chunk.toString()); });
    const onAbort = () => {
      if (settled) return;
      settled = true;
      const reason = signal.reason as Error;
      done(`cut at the timeout: ${reason?.message ?? 'aborted'}`);
      // A grandchild may hold the pipes open: stop reading, end the tree, reject now.
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (child.pid !== undefined) void terminateTree(child.pid).catch(() => child.kill());
      reject(reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      done(error.message);
      reject(new ScmError({ code: 'ERR_SCM_COMMAND_FAILED', detail: `${program} did not start: ${error.message}` }));
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      run.exitCode = code;
      resolve(done());
    });
  });
}

/** A program started and left running (a daemon): its pid and its creation time. */
export interface DetachedProcess {
  pid: number;
  /** Resolves with its exit code if it ends within `ms`, else null (still running). */
  exitWithin(ms: number): Promise<number | null>;
}

/**
 * Starts a foreground program as a daemon (simplevisor-loop, COMAR's detach): without a console
 * window, stdin/stdout/stderr to NUL, not waited for, in a process group of its own, so it
 * outlives the command that started it.
 */
export function startDetached(argv: readonly string[], ctx: ResolveContext): Promise<DetachedProcess> {
  const program = programOf(argv, ctx);
  const plan = spawnPlan(program, argv.slice(1), ctx.env);
  return new Promise((resolve, reject) => {
    const child = spawn(plan.file, plan.args, {
      env: commandEnvironment(ctx.env, ctx.folders), stdio: 'ignore', detached: true, windowsHide: true, windowsVerbatimArguments: plan.verbatim,
    });
    let exitCode: number | null = null;
    const exited = new Promise<number>((r) => child.once('exit', (code) => r((exitCode = code ?? 1))));
    child.once('error', (error) => reject(new ScmError({ code: 'ERR_SCM_COMMAND_FAILED', detail: `${program} did not start: ${error.message}` })));
    child.once('spawn', () => {
      child.unref();
      resolve({
        pid: child.pid as number,
        exitWithin: (ms) => (exitCode !== null ? Promise.resolve(exitCode) : Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), ms).unref())])),
      });
    });
  });
}
