// The machine side of command-defined services (command-service.ts's CommandSystem): programs run
// through command-run.ts, the native process table, pid files, priority classes and console
// control events (sent by the host's helper process, lib/host/console-ctrl-helper.ts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePidFile } from '../host/pid-file';
import { PRIORITY_VALUES } from '../host/program';
import { listProcesses, terminateProcess } from '../process-table';
import { processAlive } from '../process-alive';
import { resolveCommand, runCommand, startDetached } from './command-run';
import type { ResolveContext } from './command-run';
import type { CommandSystem } from './command-service';
import { abortableSleep } from '../abortable-sleep';

/** The console-control helper the service host uses (dist/host/console-ctrl-helper.js). */
const CONSOLE_CTRL_HELPER = path.join(__dirname, '..', 'host', 'console-ctrl-helper.js');


/** Sends Ctrl+C/Ctrl+Break through the helper (a process of its own: see console-ctrl-helper.ts). */
function sendCtrl(pid: number, which: 'ctrl-c' | 'ctrl-break'): Promise<void> {
  return new Promise((resolve, reject) => {
    const helper = spawn(process.execPath, [CONSOLE_CTRL_HELPER, String(pid), which === 'ctrl-c' ? '0' : '1'], { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    helper.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    helper.once('error', reject);
    helper.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`could not send ${which} to process ${pid}: ${stderr.trim() || `the helper exited ${code}`} (a process started detached has no console: use stopSignal terminate)`));
    });
  });
}

/** The CommandSystem of this machine; relative paths are taken from `baseDir`. */
export function machineCommandSystem(baseDir: string, env: NodeJS.ProcessEnv = process.env): CommandSystem {
  const ctx = (folders: readonly string[]): ResolveContext => ({ folders, env, baseDir });
  const here = (file: string) => path.resolve(baseDir, file);
  return {
    run: (argv, folders, signal, record) => runCommand(argv, ctx(folders), signal, record),
    startDetached: (argv, folders) => startDetached(argv, ctx(folders)),
    resolve: (argv0, folders) => resolveCommand(argv0, ctx(folders)),
    processes: () => listProcesses(),
    terminate: (pid, createdMs) => terminateProcess(pid, { createdMs, exitCode: 1 }),
    sendCtrl,
    setPriority: (pid, priority) => os.setPriority(pid, PRIORITY_VALUES[priority]),
    isAlive: processAlive,
    readPidFile(file) {
      let text: string;
      try {
        text = fs.readFileSync(here(file), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return /^\s*\d+\s*$/.test(text) ? Number(text.trim()) : NaN;
    },
    writePidFile(file, pid) {
      const error = writePidFile(here(file), pid);
      if (error) throw new Error(`could not write the pid file ${here(file)}: ${error}`);
    },
    removePidFile: (file) => fs.rmSync(here(file), { force: true }),
    selfPid: process.pid,
    sleep: abortableSleep,
  };
}
