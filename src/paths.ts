import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root (the folder with package.json), found from this module wherever it
 * runs: src/ under tsx, dist/ or dist/chunks/ once built. Files read at run time
 * (prisma/migrations, config/, plans/) are named from here, never by "../../" from a
 * module, which the build would move.
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json non trovato sopra ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot();

/** A path inside the project, e.g. projectPath("prisma/migrations"). */
export function projectPath(relative: string): string {
  return path.join(PROJECT_ROOT, relative);
}
