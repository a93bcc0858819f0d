// The one error of the services file: the message names the file, the entry and the field, so an
// operator can fix the file without reading code.

/** An invalid services file: the message names the file, the entry (index and name) and the field. */
export class ServicesFileError extends Error {
  readonly code = 'ERR_SCM_SERVICES_FILE';
  constructor(message: string, readonly file: string, readonly entry?: number, readonly field?: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: 'ServicesFileError', enumerable: false, configurable: true });
  }
}
