/**
 * An error whose message is written for the user, in Italian, saying what was expected.
 * Transports show `message` as is; any other error becomes a generic Italian apology
 * and goes to the log, never to the user.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export const GENERIC_ERROR_MESSAGE =
  "Si è verificato un errore imprevisto: la richiesta non è stata registrata. Riprova tra poco; se il problema continua, avvisa l'amministratore del bot.";

export function userMessageOf(err: unknown): string {
  return err instanceof UserError ? err.message : GENERIC_ERROR_MESSAGE;
}
