// How the CLI words an error for the person at the prompt, for every command in one place: a
// missing service said plainly, and the cure for a refusal (an elevated prompt).
import { ScmError } from '../errors/scm-error';
import { errorMessage, oneLine } from '../text';

/** What the CLI adds to an access-denied error from the SCM or the registry. */
export const ELEVATION_ADVICE = 'this needs administrator rights: run it from an elevated (administrator) prompt';

/**
 * The one-line text of an error as the CLI prints it after `scm-native: error: `. A service that
 * does not exist reads `service 'x' does not exist (ERROR_SERVICE_DOES_NOT_EXIST, 1060)` whichever
 * call found it missing; ERROR_ACCESS_DENIED gets {@link ELEVATION_ADVICE}.
 */
export function cliErrorText(error: unknown): string {
  if (error instanceof ScmError && error.code === 'ERROR_SERVICE_DOES_NOT_EXIST' && error.service !== undefined) {
    return `service '${error.service}' does not exist${error.system ? ` on '${error.system}'` : ''} (${error.code}, ${error.errno ?? 1060})`;
  }
  const text = oneLine(errorMessage(error));
  if (error instanceof ScmError && error.code === 'ERROR_ACCESS_DENIED') return `${text}; ${ELEVATION_ADVICE}`;
  return text;
}
