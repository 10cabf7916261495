import { UserError } from "../../errors.ts";
import type { ParsedPlan } from "../parse-piao.ts";

/** PLACEHOLDER (issue 12, helper 12a writes the real Word reader): same signature, refuses in Italian. */
export async function readDocxPlan(_data: Uint8Array, sourceName: string): Promise<ParsedPlan> {
  throw new UserError({ code: "format_not_supported", source: sourceName, format: "Word" });
}
