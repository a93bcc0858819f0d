// Reading the DACL of an SDDL string in TypeScript, for what must be decided before anything
// reaches Windows: setServiceSecurity's refusal of grants that give a service away to standard
// users, and the comparison of a service's DACL with the one scm-native sets. Follows Microsoft's
// "Security Descriptor String Format" and "ACE Strings" documentation: `D:<flags>(ace)(ace)...`,
// an ACE being `type;flags;rights;object_guid;inherit_object_guid;account_sid[;resource]`.

/** The access-right codes of ACE strings (sddl.h SDDL_*), service meanings in the comments. */
export const SDDL_RIGHTS: Readonly<Record<string, number>> = {
  // generic
  GA: 0x10000000, GR: 0x80000000, GW: 0x40000000, GX: 0x20000000,
  // standard
  RC: 0x00020000, SD: 0x00010000, WD: 0x00040000, WO: 0x00080000,
  // directory-service codes; for a service: CC query config, DC change config, LC query status,
  // SW enumerate dependents, RP start, WP stop, DT pause/continue, LO interrogate, CR user-defined control
  CC: 0x1, DC: 0x2, LC: 0x4, SW: 0x8, RP: 0x10, WP: 0x20, DT: 0x40, LO: 0x80, CR: 0x100,
  // file
  FA: 0x1f01ff, FR: 0x120089, FW: 0x120116, FX: 0x1200a0,
  // registry
  KA: 0xf003f, KR: 0x20019, KW: 0x20006, KX: 0x20019,
  // mandatory label
  NR: 0x2, NW: 0x1, NX: 0x4,
};

/** Service access rights (winsvc.h). */
export const SERVICE_RIGHTS = {
  QUERY_CONFIG: 0x1, CHANGE_CONFIG: 0x2, QUERY_STATUS: 0x4, ENUMERATE_DEPENDENTS: 0x8, START: 0x10, STOP: 0x20,
  PAUSE_CONTINUE: 0x40, INTERROGATE: 0x80, USER_DEFINED_CONTROL: 0x100,
  DELETE: 0x10000, READ_CONTROL: 0x20000, WRITE_DAC: 0x40000, WRITE_OWNER: 0x80000,
  ALL_ACCESS: 0xf01ff,
  GENERIC_ALL: 0x10000000, GENERIC_EXECUTE: 0x20000000, GENERIC_WRITE: 0x40000000, GENERIC_READ: 0x80000000,
} as const;

/** The SID string aliases of SDDL (sddl.h) that name well-known SIDs without a domain. */
export const SDDL_ALIASES: Readonly<Record<string, string>> = {
  AN: 'S-1-5-7', AO: 'S-1-5-32-548', AU: 'S-1-5-11', BA: 'S-1-5-32-544', BG: 'S-1-5-32-546', BO: 'S-1-5-32-551',
  BU: 'S-1-5-32-545', CG: 'S-1-3-1', CO: 'S-1-3-0', ED: 'S-1-5-9', IU: 'S-1-5-4', LS: 'S-1-5-19', LU: 'S-1-5-32-559',
  MU: 'S-1-5-32-558', NO: 'S-1-5-32-556', NS: 'S-1-5-20', NU: 'S-1-5-2', OW: 'S-1-3-4', PO: 'S-1-5-32-550',
  PS: 'S-1-5-10', PU: 'S-1-5-32-547', RC: 'S-1-5-12', RD: 'S-1-5-32-555', RE: 'S-1-5-32-552', RU: 'S-1-5-32-554',
  SO: 'S-1-5-32-549', SU: 'S-1-5-6', SY: 'S-1-5-18', WD: 'S-1-1-0', WR: 'S-1-5-33', ER: 'S-1-5-32-573',
  HA: 'S-1-5-32-578', IS: 'S-1-5-32-568', AC: 'S-1-15-2-1', RM: 'S-1-5-32-580', AA: 'S-1-5-32-579',
  CY: 'S-1-5-32-569', MS: 'S-1-5-32-577', RA: 'S-1-5-32-575', ES: 'S-1-5-32-576', OA: 'S-1-5-32-571',
};

/** One ACE of an SDDL DACL. */
export interface SddlAce {
  /** The ACE as written, `(A;;CCLC;;;BU)`. */
  text: string;
  /** `A`, `D`, `OA`, `OD`, `XA`, ... */
  type: string;
  /** The ACE flags as written (`CI`, `IO`, `ID`...). */
  flags: string;
  /** The access mask. */
  mask: number;
  /** The trustee as a SID string (an alias resolved; a domain-relative alias such as DA stays as written). */
  sid: string;
}

/** A DACL read from SDDL: null ACEs for a NULL DACL (`D:NO_ACCESS_CONTROL`). */
export interface SddlDacl {
  /** The DACL flags (`P`, `AI`, `AR`, `NO_ACCESS_CONTROL`). */
  flags: string;
  aces: SddlAce[] | null;
}

/** The access mask of an ACE's rights field: two-letter codes, or one number (`0x1F01FF`, decimal, octal). */
export function parseRights(text: string): number {
  const t = text.trim();
  if (t === '') return 0;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(t)) {
    const value = /^0x/i.test(t) ? parseInt(t.slice(2), 16) : /^0\d/.test(t) ? parseInt(t, 8) : parseInt(t, 10);
    if (!Number.isSafeInteger(value) || value > 0xffffffff) throw new RangeError(`ACE rights '${text}' are not a 32-bit access mask`);
    return value >>> 0;
  }
  if (t.length % 2 !== 0) throw new RangeError(`ACE rights '${text}' are not two-letter codes`);
  let mask = 0;
  for (let i = 0; i < t.length; i += 2) {
    const code = t.slice(i, i + 2).toUpperCase();
    const bit = SDDL_RIGHTS[code];
    if (bit === undefined) throw new RangeError(`ACE rights '${text}': unknown right '${code}'`);
    mask = (mask | bit) >>> 0;
  }
  return mask;
}

/** A SID string as written in an ACE: an alias becomes its SID; a SID string is upper-cased. */
export function sidOfTrustee(text: string): string {
  const t = text.trim();
  const alias = SDDL_ALIASES[t.toUpperCase()];
  if (alias !== undefined) return alias;
  return /^s-1-/i.test(t) ? t.toUpperCase() : t;
}

/** The ACE strings of a DACL's body, `(...)` each; a conditional ACE's own parentheses stay inside. */
function aceStrings(body: string): string[] {
  const aces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '(') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) throw new RangeError(`the DACL has an unmatched ')' at '${body.slice(i)}'`);
      if (depth === 0) aces.push(body.slice(start, i + 1));
    } else if (depth === 0 && c.trim() !== '') {
      throw new RangeError(`the DACL has text outside its ACEs: '${body.slice(i)}'`);
    }
  }
  if (depth !== 0) throw new RangeError(`the DACL has an unclosed ACE: '${body.slice(start)}'`);
  return aces;
}

/** Splits an ACE's text at the semicolons outside a condition's parentheses. */
function splitTopLevel(text: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ';' && depth === 0) {
      fields.push(text.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(text.slice(start));
  return fields;
}

/** The `D:` part of an SDDL string (up to `S:` or the end), or null when there is none. */
function daclPart(sddl: string): string | null {
  // Parts start at O:, G:, D:, S: outside parentheses.
  let depth = 0;
  let start = -1;
  for (let i = 0; i < sddl.length; i++) {
    const c = sddl[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && sddl[i + 1] === ':' && /[OGDS]/i.test(c as string)) {
      if (start >= 0) return sddl.slice(start, i);
      if (c === 'D' || c === 'd') start = i + 2;
    }
  }
  return start >= 0 ? sddl.slice(start) : null;
}

/**
 * The DACL of an SDDL string, or null when it has no `D:` part. A malformed ACE is a RangeError;
 * what Windows' own parser would refuse besides is left to it.
 */
export function parseSddlDacl(sddl: string): SddlDacl | null {
  const part = daclPart(sddl);
  if (part === null) return null;
  const open = part.indexOf('(');
  const flags = (open < 0 ? part : part.slice(0, open)).trim();
  if (/NO_ACCESS_CONTROL/i.test(flags)) return { flags, aces: null };
  const aces: SddlAce[] = [];
  for (const text of aceStrings(open < 0 ? '' : part.slice(open))) {
    const fields = splitTopLevel(text.slice(1, -1));
    if (fields.length < 6) throw new RangeError(`ACE ${text} has ${fields.length} fields; an ACE string has at least 6`);
    const [type, aceFlags, rights, , , trustee] = fields as [string, string, string, string, string, string];
    try {
      aces.push({ text, type: type.trim().toUpperCase(), flags: aceFlags.trim().toUpperCase(), mask: parseRights(rights), sid: sidOfTrustee(trustee) });
    } catch (error) {
      throw new RangeError(`ACE ${text}: ${(error as Error).message}`);
    }
  }
  return { flags, aces };
}

/** The standard users' groups a service must never be given to: Everyone, Users, Authenticated Users, Interactive, Anonymous. */
export const STANDARD_USER_SIDS: Readonly<Record<string, string>> = {
  'S-1-1-0': 'Everyone (WD)', 'S-1-5-32-545': 'Users (BU)', 'S-1-5-11': 'Authenticated Users (AU)', 'S-1-5-4': 'Interactive (IU)',
  'S-1-5-7': 'Anonymous (AN)',
};

/**
 * The rights that give a service away: change its DACL or owner, change its configuration (the
 * program it runs as LocalSystem), delete it, or anything generic-write or all. DELETE is in:
 * a user who can delete the service can remove it and (with the name free) wait for an installer
 * to recreate it, and standard users have no business deleting services.
 */
const UNSAFE_RIGHTS: [number, string][] = [
  [SERVICE_RIGHTS.WRITE_DAC, 'WRITE_DAC (WD)'], [SERVICE_RIGHTS.WRITE_OWNER, 'WRITE_OWNER (WO)'],
  [SERVICE_RIGHTS.CHANGE_CONFIG, 'SERVICE_CHANGE_CONFIG (DC)'], [SERVICE_RIGHTS.DELETE, 'DELETE (SD)'],
  [SERVICE_RIGHTS.GENERIC_WRITE, 'GENERIC_WRITE (GW)'], [SERVICE_RIGHTS.GENERIC_ALL, 'GENERIC_ALL (GA)'],
];

/** The two-letter codes of an ACE's flags (`OICIIO` -> OI, CI, IO). */
export function aceFlagCodes(flags: string): string[] {
  return flags.match(/../g) ?? [];
}

/** Allow ACE types: A, OA, XA (callback), ZA (callback object). */
const ALLOW_TYPES = new Set(['A', 'OA', 'XA', 'ZA']);

/**
 * Why this SDDL gives a service away to standard users, or null: a NULL DACL, or an allow ACE
 * (not inherit-only) granting Everyone, Users, Authenticated Users, Interactive or Anonymous a
 * right of {@link UNSAFE_RIGHTS} (SERVICE_ALL_ACCESS includes them). Only the `D:` part is read.
 */
export function unsafeServiceGrant(sddl: string): string | null {
  const dacl = parseSddlDacl(sddl);
  if (dacl === null) return null;
  if (dacl.aces === null) return 'the DACL is a NULL DACL (D:NO_ACCESS_CONTROL), which grants everyone full control of the service';
  for (const ace of dacl.aces) {
    if (!ALLOW_TYPES.has(ace.type) || aceFlagCodes(ace.flags).includes('IO')) continue;
    const who = STANDARD_USER_SIDS[ace.sid];
    if (who === undefined) continue;
    const rights = UNSAFE_RIGHTS.filter(([bit]) => (ace.mask & bit) !== 0).map(([, name]) => name);
    if (rights.length > 0) {
      const all = (ace.mask & SERVICE_RIGHTS.ALL_ACCESS) === SERVICE_RIGHTS.ALL_ACCESS ? 'SERVICE_ALL_ACCESS, ' : '';
      return `the ACE ${ace.text} grants ${who} ${all}${rights.join(', ')}: any standard user could take over the service`;
    }
  }
  return null;
}
