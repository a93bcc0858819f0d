// A name (a service's, a lock key) as the base of a Windows file name. Windows refuses `<>:"/\|?*`
// and control characters, drops a trailing dot or space, reads `a:b` as the stream `b` of the
// file `a`, and opens the device for CON, PRN, AUX, NUL, COM0-9 and LPT0-9 (also with an
// extension: `nul.log`). Each such character becomes %XX (and so does `%`, which keeps the
// encoding one-to-one), so two names never share a file and no name reaches a device or a stream.

const UNSAFE = /[\x00-\x1f\x7f<>:"/\\|?*%]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])$/i;

const encode = (c: string) => `%${(c.codePointAt(0) as number).toString(16).padStart(2, '0')}`;

/** `name` encoded for use as a file's base name (see above); ordinary names are unchanged. */
export function fileBaseName(name: string): string {
  let base = name.replace(UNSAFE, encode).replace(/[. ]$/, encode);
  const stem = base.split('.')[0] as string;
  if (DEVICE.test(stem.trimEnd())) base = `${encode(base[0] as string)}${base.slice(1)}`;
  return base;
}
