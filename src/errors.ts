import { errorText, GENERIC_ERROR_MESSAGE, type AppError, type ErrorCode, type Surface } from "./messages/errors.ts";

/**
 * An error the person can act on: a code with its data (see src/messages/errors.ts, the one
 * catalogue of their Italian texts). Each surface renders it with `textFor`; `message` is the
 * Slack text, so logs and tests read the same words. Any other error becomes the generic
 * Italian apology and goes to the log, never to the user.
 */
export class UserError extends Error {
  readonly code: ErrorCode;
  constructor(readonly error: AppError) {
    super(errorText(error, "slack"));
    this.code = error.code;
    this.name = "UserError";
  }

  textFor(surface: Surface): string {
    return errorText(this.error, surface);
  }
}

export { GENERIC_ERROR_MESSAGE };

/** What a surface shows for any error: the user error's text, else the generic message. */
export function userMessageOf(err: unknown, surface: Surface): string {
  return err instanceof UserError ? err.textFor(surface) : GENERIC_ERROR_MESSAGE;
}
