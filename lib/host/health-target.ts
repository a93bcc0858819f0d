// What a health check probes (the `healthCheck` setting) and which HTTP answers count as healthy
// (`healthStatus`): their checks and their parsed forms. One value names the probe by its shape:
// an `http://` or `https://` URL is a GET, `tcp://host:port` a connection, and an array (the
// command line's text that is neither) a command whose exit code 0 means healthy.
import { checkString } from '../validation';

/** The parsed probe of a `healthCheck` setting. */
export type HealthTarget =
  | { type: 'http'; url: URL }
  | { type: 'tcp'; host: string; port: number }
  | { type: 'command'; argv: readonly string[] };

/** The URL schemes a probe may name. */
export const HEALTH_SCHEMES = ['http:', 'https:', 'tcp:'] as const;

/** Whether a command line's text names a URL (`scheme://`) rather than a command. */
export function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

const SHAPES = 'an http://, https:// or tcp://host:port URL, or a command as [absolute program, ...args]';

/** A probe URL: http(s) with a host, or tcp with a host and a port; no user name or password in it. */
function checkUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`${what} must be ${SHAPES}; got '${text}' (not a URL)`);
  }
  if (!(HEALTH_SCHEMES as readonly string[]).includes(url.protocol)) {
    throw new RangeError(`${what} must be ${SHAPES}; '${url.protocol}' is not one of ${HEALTH_SCHEMES.join(', ')}`);
  }
  // Stored settings are readable by whoever may query the service's parameters.
  if (url.username || url.password) throw new RangeError(`${what} must not hold a user name or password; got '${text}'`);
  if (!url.hostname) throw new RangeError(`${what} must name a host; got '${text}'`);
  if (url.protocol === 'tcp:') {
    if (!url.port) throw new RangeError(`${what} must name a port, as tcp://127.0.0.1:8080; got '${text}'`);
    if (url.port === '0') throw new RangeError(`${what} must name a port from 1 to 65535; got '${text}'`);
    if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) throw new RangeError(`${what} must be tcp://host:port, nothing after the port; got '${text}'`);
  }
  if (url.protocol !== 'tcp:' && url.port === '0') throw new RangeError(`${what} must name a port from 1 to 65535; got '${text}'`);
  return url;
}

/**
 * The URL form of a `healthCheck` (the command form is checked as a hook's command). TypeError for
 * another type, RangeError for a bad URL.
 */
export function checkHealthUrl(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be ${SHAPES}, or null for none`);
  checkString(value, what);
  checkUrl(value, what);
  return value;
}

/** The probe a checked `healthCheck` names (null: none). */
export function healthTarget(value: string | readonly string[] | null): HealthTarget | null {
  if (value === null) return null;
  if (typeof value !== 'string') return { type: 'command', argv: value };
  const url = new URL(value);
  if (url.protocol !== 'tcp:') return { type: 'http', url };
  // [::1] names an IPv6 host in a URL; net.connect wants it bare.
  return { type: 'tcp', host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

/** HTTP status codes that count as healthy, both ends included. */
export interface StatusRange {
  from: number;
  to: number;
}

/** `200-399` or `204` -> the range; null when the text is not one (100-599, from <= to). */
export function parseStatusRange(text: string): StatusRange | null {
  const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 100 || to > 599 || from > to) return null;
  return { from, to };
}

/** A `healthStatus`: `from-to` (or one code) within 100-599, stored as `from-to`. */
export function checkStatusRange(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string such as '200-399'`);
  const range = parseStatusRange(value);
  if (range === null) throw new RangeError(`${what} must be HTTP status codes from-to within 100-599, such as '200-399' or '204'; got '${value}'`);
  return `${range.from}-${range.to}`;
}
