import { UserError } from "../errors.ts";
import type { DocumentProblem, PlanFormatCode } from "../messages/errors.ts";

/**
 * The document cannot be read as a Piano della Performance; its text (src/messages/errors.ts) says
 * what was expected. A text export fails with a PlanFormatCode, a Word or PDF file with a DocumentProblem.
 */
export class PlanFormatError extends UserError {
  constructor(code: PlanFormatCode, source: string, objectives?: number);
  constructor(problem: DocumentProblem);
  constructor(codeOrProblem: PlanFormatCode | DocumentProblem, source?: string, objectives?: number) {
    super(
      typeof codeOrProblem === "string" ? { code: codeOrProblem, source: source ?? "", objectives } : codeOrProblem,
    );
    this.name = "PlanFormatError";
  }
}
