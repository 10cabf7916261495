import { UserError } from "../errors.ts";
import type { PlanFormatCode } from "../messages/errors.ts";

/** The document cannot be read as a Piano della Performance; its text (src/messages/errors.ts) says what was expected. */
export class PlanFormatError extends UserError {
  constructor(code: PlanFormatCode, source: string, objectives?: number) {
    super({ code, source, objectives });
    this.name = "PlanFormatError";
  }
}
