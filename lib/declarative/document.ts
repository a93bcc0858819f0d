// The services file's syntax: JSON, YAML (the `yaml` package) or TOML (`smol-toml`), chosen by the
// file's extension. The parsers are loaded only when such a file is read, so the library itself
// does not pay for them.
import * as path from 'node:path';
import { ServicesFileError } from './services-file-error';

/** The syntaxes a services file can be written in. */
export type ServicesFileFormat = 'json' | 'yaml' | 'toml';

/** The format of a file by its extension: `.yaml`/`.yml`, `.toml`, anything else JSON. */
export function formatOf(file: string): ServicesFileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.toml') return 'toml';
  return 'json';
}

function parseYaml(text: string, file: string): unknown {
  // Required here, not imported: only reading a YAML file loads the parser.
  const yaml = require('yaml') as typeof import('yaml');
  // One document; duplicate keys and YAML 1.1 surprises (yes/no booleans, octal) are errors or off.
  const doc = yaml.parseDocument(text, { uniqueKeys: true, prettyErrors: true, version: '1.2' });
  const error = doc.errors[0];
  // The pretty message's first line already says "... at line L, column C:".
  if (error) throw new ServicesFileError(`${file}: not valid YAML: ${(error.message.split('\n')[0] as string).replace(/:$/, '')}`, file);
  return doc.toJS({ maxAliasCount: 100 });
}

function parseToml(text: string, file: string): unknown {
  // Required here, not imported: only reading a TOML file loads the parser.
  const toml = require('smol-toml') as typeof import('smol-toml');
  try {
    return toml.parse(text);
  } catch (error) {
    const e = error as { line?: number; column?: number; message: string };
    const where = e.line ? ` (line ${e.line}, column ${e.column})` : '';
    throw new ServicesFileError(`${file}: not valid TOML${where}: ${e.message.split('\n')[0]}`, file);
  }
}

/** Parses the text of a services file in `format` (by default the one its name says). */
export function parseDocument(text: string, file: string, format: ServicesFileFormat = formatOf(file)): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (format === 'yaml') return parseYaml(body, file);
  if (format === 'toml') return parseToml(body, file);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ServicesFileError(`${file}: not valid JSON: ${(error as Error).message}`, file);
  }
}
