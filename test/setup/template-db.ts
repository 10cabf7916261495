import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/db/migrate.ts";

/** Migrates one template database for the whole run; every test copies it and the run removes it. */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-template-"));
  const file = path.join(dir, "template.db");
  migrate(file);
  project.provide("templateDb", file);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}
