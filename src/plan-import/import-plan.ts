import { createHash } from "node:crypto";
import { readUserBytes } from "../files.ts";
import path from "node:path";
import type { Db } from "../db/client.ts";
import { activityRow, writePlan } from "../store/plan-writer.ts";
import { UserError } from "../errors.ts";
import { looksLikePlanCsv, parsePlanCsv } from "./plan-csv.ts";
import { parsePiaoText, type ParsedPlan } from "./parse-piao.ts";
import { readPlanDocument } from "./read-document.ts";

export interface ImportOptions {
  actor: string;
  now: Date;
  /** The first import of a year is the adopted plan: the act that adopted it, and from when. */
  adoptedAct?: string | null;
  adoptedFrom?: string | null;
}

export interface ImportResult {
  planId: number;
  year: number;
  entity: string;
  /** Nothing differed from what was stored: nothing was written. */
  unchanged: boolean;
  created: string[]; // activity codes
  updated: string[];
  archived: string[];
  restored: string[];
  counts: { areas: number; objectives: number; areaObjectives: number; enteObjectives: number; activities: number };
  anomalies: ParsedPlan["anomalies"];
  /** Activities whose target is a time we cannot know: a deadline must be set by hand. */
  manualDates: { code: string; target: string }[];
  /** A plan that already had variations was re-imported: the change applies from the start. */
  hadVariations?: boolean;
}

/** Reads a PIAO text document, or a CSV written by `esporta-piano --csv`. */
export function parsePlanSource(text: string, sourceName: string): ParsedPlan {
  const clean = text.replace(/^\uFEFF/, "");
  return looksLikePlanCsv(clean) ? parsePlanCsv(clean, sourceName) : parsePiaoText(clean, sourceName);
}

export async function importPlanFile(db: Db, file: string, opts: ImportOptions): Promise<ImportResult> {
  return importParsedPlan(db, await readPlanFile(file), opts);
}

/** Reads a plan document of any supported format from disk (PDF, Word, Excel template, text, CSV). */
export async function readPlanFile(file: string): Promise<ParsedPlan> {
  return readPlanDocument(readUserBytes(file), path.basename(file));
}

export async function importPlanText(
  db: Db,
  text: string,
  sourceName: string,
  opts: ImportOptions,
): Promise<ImportResult> {
  const parsed = parsePlanSource(text, sourceName);
  return importParsedPlan(db, parsed, opts);
}

/** A stable fingerprint of the plan's content, so an identical re-import is recognised at once. */
export function planFingerprint(p: ParsedPlan): string {
  const canon = {
    year: p.year,
    entity: p.entity,
    areas: p.areas,
    objectives: p.objectives,
    activities: p.activities.map(activityRow),
    anomalies: p.anomalies.map((a) => ({ kind: a.kind, code: a.code, message: a.message })),
  };
  return createHash("sha256").update(JSON.stringify(canon)).digest("hex");
}

/**
 * A plan the database could not hold (a code twice, a link to nothing) is refused in
 * Italian before anything is written: the PIAO parser never produces one, an edited CSV can.
 */
function assertConsistent(p: ParsedPlan): void {
  const where = `nel piano ${p.sourceName}`;
  const once = (codes: string[], what: string) => {
    const seen = new Set<string>();
    for (const c of codes) {
      if (c.trim() === "")
        throw new UserError({
          code: "plan_inconsistent",
          detail: `Un${what === "area" ? "'area" : what === "attività" ? "'attività" : " obiettivo"} senza codice ${where}: ogni riga deve avere il suo codice.`,
        });
      if (seen.has(c))
        throw new UserError({
          code: "plan_inconsistent",
          detail: `Il codice ${c} compare due volte tra ${what === "area" ? "le aree" : what === "attività" ? "le attività" : "gli obiettivi"} ${where}: ogni codice univoco deve comparire una volta sola.`,
        });
      seen.add(c);
    }
  };
  once(
    p.areas.map((a) => a.code),
    "area",
  );
  once(
    p.objectives.map((o) => o.code),
    "obiettivo",
  );
  once(
    p.activities.map((a) => a.code),
    "attività",
  );
}

/**
 * Writes a parsed plan in ONE transaction: definitions are upserted by code, what
 * disappeared is archived (never deleted), and progress — kept in other tables keyed
 * by (year, code) — is never touched. A failure (or a kill) leaves the database as it was.
 *
 * It writes through better-sqlite3 on its own connection (BEGIN IMMEDIATE): a 100,000-
 * activity plan row by row through Prisma takes minutes. Call it when no Prisma
 * transaction of this process is open (CLI, start-up): the synchronous write would
 * otherwise wait on a lock that cannot be released.
 */
export async function importParsedPlan(db: Db, parsed: ParsedPlan, opts: ImportOptions): Promise<ImportResult> {
  assertConsistent(parsed);
  const hash = planFingerprint(parsed);
  const manualDates = parsed.activities
    .filter((a) => a.target.needsManualDate)
    .map((a) => ({ code: a.code, target: a.targetText }));
  const counts = {
    areas: parsed.areas.length,
    objectives: parsed.objectives.length,
    areaObjectives: parsed.objectives.filter((o) => o.areaCode !== null).length,
    enteObjectives: parsed.objectives.filter((o) => o.areaCode === null).length,
    activities: parsed.activities.length,
  };
  const base = { year: parsed.year, entity: parsed.entity, counts, anomalies: parsed.anomalies, manualDates };

  return writePlan(db, parsed, hash, base, opts);
}
