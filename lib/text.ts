// Messages on one line: what the CLI prints and what check/apply report are one line per error.

/** `text` with every line break, and the blanks around it, turned into one space. */
export function joinLines(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}

/** {@link joinLines}, trimmed: a message fit for a one-line error. */
export function oneLine(text: string): string {
  return joinLines(text).trim();
}

/** What a thrown value says: an Error's message, anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
