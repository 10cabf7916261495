import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type OpenedDatabase } from "../../src/db/client.ts";
import { inject } from "vitest";

/** A real, migrated SQLite file per test (migrated once per run by test/setup/template-db.ts, then copied). Never a mocked Prisma. */
export async function testDatabase(): Promise<OpenedDatabase & { url: string; dispose(): Promise<void> }> {
  const template = inject("templateDb");
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-test-"));
  const file = path.join(dir, "test.db");
  copyFileSync(template, file);
  const url = `file:${file}`;
  const opened = await openDatabase(url);
  return {
    ...opened,
    url,
    async dispose() {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const LEGGIUNO_PLAN = path.resolve(import.meta.dirname, "../fixtures/plans/leggiuno-piao-2024.txt");
