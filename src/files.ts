import { readFileSync } from "node:fs";
import { UserError } from "./errors.ts";

/** A text file a person named (a plan, an SMVP configuration): unreadable is their error, said in Italian. */
export function readUserFile(file: string): string {
  return readUserBytes(file).toString("utf8");
}

/** The same, as bytes: a document whose format is told by its content (PDF, Word, Excel). */
export function readUserBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError({
      code: "file_unreadable",
      file,
      reason: code === "ENOENT" ? null : (code ?? "errore di lettura"),
    });
  }
}
