// Where the SCM runs the host from: never from the copy of the package that ran `install` (a
// project's node_modules, npm's global folder under %APPDATA%, the npx cache), which its user can
// change, but from a versioned copy of the host's runtime in %ProgramFiles%\scm-native that only
// administrators can write: this package's package.json, dist/, binding/, the addon for this
// architecture and the runtime dependencies. node.exe is copied too when others can change the
// one running (nvm-windows keeps it in the user's profile). A runtime folder is written once,
// under a name made of the version and a hash of its files, and never changed after: an upgrade
// is a new folder (`scm-native upgrade` re-points services and removes unused folders), so
// running hosts never hold a file an update needs to replace.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { callAsync } from '../native/binding';
import { ALWAYS_TRUSTED, findUntrustedWriter, SIDS } from '../security/path-writers';

/** The host's command for one service: node.exe, the host's entry point, and the runtime folder they live in. */
export interface HostRuntime {
  /** The versioned folder of this package's runtime. */
  root: string;
  node: string;
  hostMain: string;
}

/** The package this file belongs to (dist/host/ -> the package). */
const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** Runtime folders: SYSTEM and Administrators full, users (service accounts too) read and run. */
const RUNTIME_SDDL = `D:P(A;OICI;FA;;;${SIDS.system})(A;OICI;FA;;;${SIDS.administrators})(A;OICI;0x1200a9;;;${SIDS.users})`;

/** %ProgramFiles%\scm-native: every runtime folder, and node.exe copies, live here. */
export function runtimesRoot(): string {
  return path.win32.join(process.env.ProgramFiles || 'C:\\Program Files', 'scm-native');
}

/** The files of the runtime, as [absolute source, path inside the runtime folder]. */
function runtimeFiles(): [string, string][] {
  const files: [string, string][] = [];
  const walk = (dir: string, into: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const source = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(source, path.join(into, entry.name));
      else if (entry.isFile()) files.push([source, path.join(into, entry.name)]);
    }
  };
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  files.push([path.join(PACKAGE_ROOT, 'package.json'), 'package.json']);
  walk(path.join(PACKAGE_ROOT, 'dist'), 'dist');
  walk(path.join(PACKAGE_ROOT, 'binding'), 'binding');
  walk(path.join(PACKAGE_ROOT, 'prebuilds', `win32-${process.arch}`), path.join('prebuilds', `win32-${process.arch}`));
  // Runtime dependencies where node resolves them from the package (its own node_modules, or hoisted).
  for (const dep of Object.keys(pkg.dependencies ?? {})) walk(dependencyFolder(dep), path.join('node_modules', dep));
  return files;
}

/**
 * The folder of a dependency as node finds it from the package: the first node_modules on the
 * way up that has it (its own, or one it was hoisted to). Not require.resolve of its
 * package.json, which a package's `exports` may hide.
 */
function dependencyFolder(dep: string): string {
  for (const dir of require.resolve.paths(dep) ?? []) {
    if (fs.existsSync(path.join(dir, dep, 'package.json'))) return path.join(dir, dep);
  }
  throw new Error(`the scm-native runtime needs ${dep}, which is not installed beside it (npm install)`);
}

/** `<version>-<first 12 hex digits of the SHA-256 of the files' names and contents>`. */
function runtimeName(files: readonly [string, string][]): string {
  const hash = createHash('sha256');
  for (const [source, inside] of files) hash.update(inside.replace(/\\/g, '/')).update('\0').update(fs.readFileSync(source)).update('\0');
  const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return `${version}-${hash.digest('hex').slice(0, 12)}`;
}

let planned: Promise<{ name: string; files: [string, string][]; copyNode: boolean }> | null = null;

/** What the runtime is made of, and whether node.exe must be copied (once per process: the files do not change under it). */
function plan(): Promise<{ name: string; files: [string, string][]; copyNode: boolean }> {
  planned ??= (async () => {
    const files = runtimeFiles();
    const writer = await findUntrustedWriter(process.execPath, 'executable', new Set(ALWAYS_TRUSTED));
    return { name: runtimeName(files), files, copyNode: writer !== null };
  })();
  return planned;
}

/** The runtime install would point a service to, without copying anything. */
export async function plannedHostRuntime(): Promise<HostRuntime> {
  const { name, copyNode } = await plan();
  const root = path.win32.join(runtimesRoot(), name);
  const node = copyNode ? path.win32.join(runtimesRoot(), nodeFolderName(), 'node.exe') : process.execPath;
  return { root, node, hostMain: path.win32.join(root, 'dist', 'host', 'host-main.js') };
}

/** node.exe copies are kept per Node version and architecture, shared by runtime folders. */
function nodeFolderName(): string {
  return `node-${process.version}-${process.arch}`;
}

/**
 * Makes `target` with `fill(temporary)` unless it exists: filled in a temporary sibling first and
 * renamed, so that a folder of that name is always complete (a host starting meanwhile, another
 * install racing this one).
 */
async function writeOnce(target: string, fill: (dir: string) => void): Promise<void> {
  if (fs.existsSync(target)) return;
  const temporary = `${target}.tmp-${process.pid}-${Date.now()}`;
  await callAsync({}, (b) => b.createDirectory(temporary, RUNTIME_SDDL));
  try {
    fill(temporary);
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw error;
  }
}

/** Copies the runtime (and node.exe when needed) into its folders unless they are there already. */
export async function installHostRuntime(): Promise<HostRuntime> {
  const { files, copyNode } = await plan();
  const runtime = await plannedHostRuntime();
  await callAsync({}, (b) => b.createDirectory(runtimesRoot(), RUNTIME_SDDL));
  await writeOnce(runtime.root, (dir) => {
    for (const [source, inside] of files) {
      fs.mkdirSync(path.dirname(path.join(dir, inside)), { recursive: true });
      fs.copyFileSync(source, path.join(dir, inside));
    }
  });
  if (copyNode) await writeOnce(path.win32.dirname(runtime.node), (dir) => fs.copyFileSync(process.execPath, path.join(dir, 'node.exe')));
  return runtime;
}

/** The runtime folder (or node.exe copy folder) that holds `file`, or null when it is in none. */
export function runtimeFolderOf(file: string): string | null {
  const root = `${runtimesRoot().toLowerCase()}\\`;
  const full = path.win32.resolve(file);
  if (!full.toLowerCase().startsWith(root)) return null;
  return path.win32.join(runtimesRoot(), full.slice(root.length).split('\\')[0] as string);
}

/**
 * V8 flags of the host's node.exe, for a lighter idle host (measured under Wine in docs/service-host.md,
 * "How light the host is"): one V8 worker thread instead of one per core (the host hardly
 * allocates, so concurrent GC and compile threads only cost their stacks). Not `--lite-mode`: it
 * saved 1.8 MiB but doubled the host's CPU per line of the program's output (docs/service-host.md,
 * "Performance"). Not passed to the program: it is its own process with its own command line.
 */
export const HOST_NODE_FLAGS: readonly string[] = ['--v8-pool-size=1'];

/**
 * The host's command for service `name` in `runtime`: node.exe [flags] host-main.js, then
 * `--service <name>` for a host of its own, `--group <group>` for a member of a shared host. The
 * SCM runs the services of a group in one process only when their image paths are the same
 * string, so a member's command names the group and never the service (the host finds the
 * members in the registry).
 */
export function hostCommandIn(runtime: HostRuntime, name: string, hostGroup: string | null = null): { path: string; args: string[] } {
  return { path: runtime.node, args: [...HOST_NODE_FLAGS, runtime.hostMain, ...(hostGroup === null ? ['--service', name] : ['--group', hostGroup.toLowerCase()])] };
}

/** The host script in a host command's arguments (node's own flags come before it), or undefined. */
export function hostScriptOf(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith('-'));
}
