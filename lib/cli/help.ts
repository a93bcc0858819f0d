// The help text of the CLI: the list of commands, and each command's options. A command with many
// options (install, update) lists them under a heading per group, in the order of HELP_GROUPS;
// every line fits HELP_WIDTH columns (a long help text wraps with a hanging indent).
import { SETTING_GROUPS } from '../host/setting-fields';
import type { OptionSpec } from './args';
import type { Command } from './command';

/** The width every help line fits in (a terminal of 100 columns, or a page of docs). */
export const HELP_WIDTH = 100;

/** The groups an option may name (OptionSpec.group), in the order help lists them, with their headings. */
export const HELP_GROUPS: Readonly<Record<'service' | (typeof SETTING_GROUPS)[number], string>> = {
  service: 'The service (the SCM\'s settings)',
  program: 'Program',
  environment: 'Environment',
  restart: 'Restart policy',
  stop: 'Stopping',
  logs: 'Logs',
  hooks: 'Hooks',
  readiness: 'Readiness',
  health: 'Health checks',
  account: 'Account and access',
};

/** The column help texts start at: room for most flags, the rest get their help on the next line. */
const HELP_COLUMN = 34;

/**
 * `text` cut into lines of at most `width` columns at spaces: the first line starts at column
 * `first` (what is already printed before it), the next ones are indented by `indent` spaces. A
 * word longer than a line stays whole.
 */
export function wrap(text: string, indent: number, first = indent, width = HELP_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  let column = first;
  for (const word of text.split(/ +/)) {
    if (line !== '' && column + 1 + word.length > width) {
      lines.push(line);
      line = '';
      column = indent;
    }
    column += (line === '' ? 0 : 1) + word.length;
    line += (line === '' ? '' : ' ') + word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** `-h, --help` or `--log-dir <dir>`. */
function flagText(name: string, spec: OptionSpec): string {
  return `${spec.alias ? `-${spec.alias}, ` : ''}--${name}${spec.value ? ` <${spec.value}>` : ''}`;
}

/** One line (or a few) per option: the flag, then its help from HELP_COLUMN (on the next line when the flag is longer). */
function optionLines(options: Record<string, OptionSpec>): string {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `  ${wrap(flagText(name, spec), 6, 2)}`;
    if (flag.length + 2 > HELP_COLUMN) return `${flag}\n${' '.repeat(HELP_COLUMN)}${wrap(spec.help, HELP_COLUMN)}`;
    return `${flag.padEnd(HELP_COLUMN)}${wrap(spec.help, HELP_COLUMN)}`;
  }).join('\n');
}

/** The options of `options` in `group` (undefined: those without one). */
function inGroup(options: Record<string, OptionSpec>, group: string | undefined): Record<string, OptionSpec> {
  return Object.fromEntries(Object.entries(options).filter(([, spec]) => spec.group === group));
}

/**
 * The help of one command: usage, summary, its own options (under group headings when they have
 * groups), the options every command takes (`common`, less those the command declares itself),
 * and its examples.
 */
export function commandHelp(command: Command, common: Record<string, OptionSpec>): string {
  const sections: string[] = [`usage: ${wrap(`scm-native ${command.usage}`, 9, 7)}`, wrap(command.summary, 0)];
  const own = command.options;
  const grouped = Object.values(own).some((spec) => spec.group !== undefined);
  const ungrouped = inGroup(own, undefined);
  if (Object.keys(ungrouped).length) sections.push(`${grouped ? 'Options:\n' : ''}${optionLines(ungrouped)}`);
  for (const [group, heading] of Object.entries(HELP_GROUPS)) {
    const options = inGroup(own, group);
    if (Object.keys(options).length) sections.push(`${heading}:\n${optionLines(options)}`);
  }
  const shared = Object.fromEntries(Object.entries(common).filter(([name]) => own[name] === undefined));
  sections.push(`${grouped ? 'General:\n' : ''}${optionLines(shared)}`);
  if (command.examples?.length) sections.push(`Examples:\n${command.examples.map((e) => `  ${wrap(e, 6, 2)}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

/** The list of commands with their summaries, and how to learn more. */
export function commandsHelp(commands: Record<string, Command>): string {
  const width = Math.max(8, ...Object.keys(commands).map((name) => name.length));
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${wrap(c.summary, width + 4)}`);
  return `usage: scm-native <command> [options]\n\nRun any program as a Windows service.\n\n${rows.join('\n')}\n\n` +
    `${wrap('scm-native help <command> (or <command> --help) shows a command\'s options; scm-native --version (-v) prints the version.', 0)}\n` +
    'Durations: 500ms, 5s, 2m, 1h. Sizes: 512K, 10M.\n';
}
