import { readFileSync } from "node:fs";
import { UserError } from "./errors.ts";

/** A text file a person named (a plan, an SMVP configuration): unreadable is their error, said in Italian. */
export function readUserFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError({ code: "file_unreadable", file, reason: code === "ENOENT" ? null : (code ?? "errore di lettura") });
  }
}
