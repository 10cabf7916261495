import { distance } from "fastest-levenshtein";
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { ActivityInfo, CodeResolution, CodeSuggestion, PickerOption } from "../domain/plan/activity.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { canWriteActivity, type Actor } from "../domain/permissions.ts";
import { effectiveDeadline } from "../domain/plan/deadline.ts";
import { activityRowInForce } from "../domain/plan/in-force.ts";
import { nextTurn } from "../db/turns.ts";
import { loadOverlay } from "./variations.ts";
import { variedObjectives } from "./varied-objectives.ts";

/**
 * Finding the activity a person means by the code they typed: canonical or printed,
 * ambiguous printed codes, and the closest codes when nothing matches. One SQL query on
 * the hot path; the in-memory code index is built only when a code is not found.
 */

type Reader = Db | Tx;

/** The plan, and optionally the day whose definitions are in force (default: every variation recorded). */
type PlanHeader = PlanRef & { day?: string };
const LATEST_DAY = "9999-12-31";

/** What SQLite hands back for an ActivityInfo: integers may be BigInt, the manual deadline apart. */
type ActivityRow = Omit<ActivityInfo, "id" | "year" | "needsManualDate" | "position"> & {
  id: bigint | number;
  manualDeadline: string | null;
  needsManualDate: bigint | number | boolean;
  position: bigint | number;
};

const activitySelect = (year: number) => Prisma.sql`
  SELECT a."id", a."code", a."printedCode", a."title", o."code" AS "objectiveCode", o."title" AS "objectiveTitle",
         ar."code" AS "areaCode", ar."name" AS "areaName", a."indicatorName", a."indicatorIndex", a."targetText",
         a."targetKind", a."threshold", a."comparator", a."period", a."unit", a."deadline",
         md."deadline" AS "manualDeadline", a."needsManualDate", a."position"
  FROM "Activity" a
  JOIN "Objective" o ON o."id" = a."objectiveId"
  LEFT JOIN "Area" ar ON ar."id" = o."areaId"
  LEFT JOIN "ManualDeadline" md ON md."planYear" = ${year} AND md."activityCode" = a."code"`;

/**
 * The rows as in force on the plan's day (domain/plan/in-force.ts): one query for the
 * year's variations; rows no variation touches come back as they are. Stralciate (or
 * not yet added) activities drop out.
 */
async function inForce(db: Reader, plan: PlanHeader, rows: ActivityRow[]): Promise<ActivityInfo[]> {
  if (!rows.length) return [];
  const overlay = await loadOverlay(db, plan.year, plan.day ?? LATEST_DAY);
  if (overlay.isEmpty) return rows.map((r) => toInfo(plan.year, r));
  const out: ActivityInfo[] = [];
  const moved: ActivityInfo[] = [];
  for (const r of rows) {
    const row = activityRowInForce(overlay, {
      ...r,
      threshold: r.threshold === null ? null : Number(r.threshold),
      qualifier: null as string | null,
    });
    if (!row) continue;
    const info = toInfo(plan.year, { ...row, manualDeadline: row.deadlineVaried ? null : r.manualDeadline });
    if (row.objectiveCode !== r.objectiveCode) moved.push(info);
    out.push(info);
  }
  // An activity moved to another objective (rare): that objective's title and area.
  if (moved.length) {
    const objectives = await db.objective.findMany({
      where: { planId: plan.id, code: { in: [...new Set(moved.map((m) => m.objectiveCode))] } },
      select: { code: true, title: true, area: { select: { code: true, name: true } } },
    });
    const byCode = new Map(objectives.map((o) => [o.code, o]));
    for (const m of moved) {
      const o = byCode.get(m.objectiveCode);
      if (!o) continue;
      m.objectiveTitle = o.title;
      m.areaCode = o.area?.code ?? null;
      m.areaName = o.area?.name ?? null;
    }
  }
  // An objective moved to another area, or renamed.
  for (const info of out) {
    if (!overlay.isTouched("objective", info.objectiveCode)) continue;
    const o = overlay.objective(
      { code: info.objectiveCode, title: info.objectiveTitle, weight: null, areaCode: info.areaCode },
      { evenIfAbsent: true },
    )!;
    info.objectiveTitle = o.title;
    if (o.areaCode !== info.areaCode) {
      info.areaCode = o.areaCode;
      info.areaName =
        o.areaCode === null
          ? null
          : ((await db.area.findFirst({ where: { planId: plan.id, code: o.areaCode }, select: { name: true } }))
              ?.name ?? null);
    }
  }
  return out;
}

function toInfo(year: number, r: ActivityRow): ActivityInfo {
  return {
    id: Number(r.id),
    year,
    code: r.code,
    printedCode: r.printedCode,
    title: r.title,
    objectiveCode: r.objectiveCode,
    objectiveTitle: r.objectiveTitle,
    areaCode: r.areaCode,
    areaName: r.areaName,
    indicatorName: r.indicatorName,
    indicatorIndex: r.indicatorIndex,
    targetText: r.targetText,
    targetKind: r.targetKind,
    threshold: r.threshold === null ? null : Number(r.threshold),
    comparator: r.comparator,
    period: r.period,
    unit: r.unit,
    deadline: effectiveDeadline(r, r.manualDeadline === null ? null : { deadline: r.manualDeadline }),
    needsManualDate: Boolean(Number(r.needsManualDate)),
    position: Number(r.position),
  };
}

/**
 * Live activities whose canonical or printed code is exactly `code`. All of them: when a
 * printed code is shared, the one whose canonical code happens to equal it is still ambiguous
 * for a person reading the printed plan.
 */
export async function activitiesByCode(db: Reader, plan: PlanHeader, code: string): Promise<ActivityInfo[]> {
  // A UNION of two index lookups: with "code = ? OR printedCode = ?" SQLite scans the whole plan.
  const rows = await db.$queryRaw<ActivityRow[]>`${activitySelect(plan.year)} WHERE a."id" IN (
       SELECT "id" FROM "Activity" WHERE "planId" = ${plan.id} AND "code" = ${code}
       UNION SELECT "id" FROM "Activity" WHERE "planId" = ${plan.id} AND "printedCode" = ${code}
     ) AND a."archivedAt" IS NULL ORDER BY a."position"`;
  return inForce(db, plan, rows);
}

export async function activityByCanonicalCode(
  db: Reader,
  plan: PlanHeader,
  code: string,
): Promise<ActivityInfo | null> {
  const rows = await db.$queryRaw<
    ActivityRow[]
  >`${activitySelect(plan.year)} WHERE a."planId" = ${plan.id} AND a."archivedAt" IS NULL AND a."code" = ${code}`;
  return (await inForce(db, plan, rows.slice(0, 1)))[0] ?? null;
}

interface IndexEntry {
  code: string;
  printedCode: string;
  title: string;
  objectiveCode: string;
  objectiveTitle: string;
  position: number;
}

interface CodeIndex {
  version: string;
  entries: IndexEntry[];
}

const indexes = new WeakMap<object, CodeIndex>();

function versionOf(plan: PlanHeader): string {
  return `${plan.id}:${plan.sourceHash}:${plan.importedAt.getTime()}`;
}

/** Every live code of the plan, cached per database and plan version (a re-import changes the version). */
async function codeIndex(db: Reader, plan: PlanHeader): Promise<IndexEntry[]> {
  const version = versionOf(plan);
  const cached = indexes.get(db);
  if (cached && cached.version === version) return cached.entries;
  const rows = await db.$queryRaw<
    {
      code: string;
      printedCode: string;
      title: string;
      objectiveCode: string;
      objectiveTitle: string;
      position: bigint | number;
    }[]
  >`
    SELECT a."code", a."printedCode", a."title", o."code" AS "objectiveCode", o."title" AS "objectiveTitle", a."position"
    FROM "Activity" a JOIN "Objective" o ON o."id" = a."objectiveId"
    WHERE a."planId" = ${plan.id} AND a."archivedAt" IS NULL ORDER BY a."position"`;
  const entries = rows.map((r) => ({ ...r, position: Number(r.position) }));
  indexes.set(db, { version, entries });
  return entries;
}

export const MAX_SUGGESTIONS = 5;

/** Resolves a typed code: found, ambiguous (a printed code used twice), or unknown with the closest codes. */
export async function resolveActivityCode(db: Reader, plan: PlanHeader, typed: string): Promise<CodeResolution> {
  const direct = await activitiesByCode(db, plan, typed);
  if (direct.length === 1) return { kind: "found", activity: direct[0]! };
  if (direct.length > 1) return { kind: "ambiguous", activities: direct };

  const entries = await codeIndex(db, plan);
  const folded = typed.toLowerCase();
  // "e1.1" for "E1.1": same code in another case.
  const sameCase =
    entries.find((e) => e.code.toLowerCase() === folded) ?? entries.find((e) => e.printedCode.toLowerCase() === folded);
  if (sameCase) {
    const again = await activitiesByCode(
      db,
      plan,
      sameCase.code.toLowerCase() === folded ? sameCase.code : sameCase.printedCode,
    );
    if (again.length === 1) return { kind: "found", activity: again[0]! };
    if (again.length > 1) return { kind: "ambiguous", activities: again };
  }

  const objectiveActivities = entries.filter((e) => e.objectiveCode.toLowerCase() === folded);
  const objective = objectiveActivities.length
    ? {
        code: objectiveActivities[0]!.objectiveCode,
        title: objectiveActivities[0]!.objectiveTitle,
        activities: objectiveActivities.slice(0, 10).map(suggestion),
      }
    : null;
  return { kind: "unknown", typed, suggestions: closestCodes(entries, folded), objective };
}

function suggestion(e: IndexEntry): CodeSuggestion {
  return { code: e.code, printedCode: e.printedCode, title: e.title };
}

/** The few codes at the smallest edit distance (canonical or printed), in plan order among equals. */
function closestCodes(entries: readonly IndexEntry[], typed: string): CodeSuggestion[] {
  // Codes are short: more than two edits away is another activity, not a typo.
  const limit = typed.length <= 4 ? 1 : 2;
  const scored: { e: IndexEntry; d: number }[] = [];
  for (const e of entries) {
    const d = Math.min(distance(typed, e.code.toLowerCase()), distance(typed, e.printedCode.toLowerCase()));
    if (d <= limit) scored.push({ e, d });
  }
  // Among equally close codes, those sharing more of the beginning and numerically nearest first ("3.1.8" -> 3.1.7).
  const prefix = (code: string) => commonPrefixLength(typed, code.toLowerCase());
  const gap = (code: string) => Math.abs(lastNumber(typed) - lastNumber(code));
  scored.sort(
    (a, b) =>
      a.d - b.d || prefix(b.e.code) - prefix(a.e.code) || gap(a.e.code) - gap(b.e.code) || a.e.position - b.e.position,
  );
  const seen = new Set<string>();
  const out: CodeSuggestion[] = [];
  for (const { e } of scored) {
    if (seen.has(e.code)) continue;
    seen.add(e.code);
    out.push(suggestion(e));
    if (out.length >= MAX_SUGGESTIONS) break;
  }
  return out;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function lastNumber(code: string): number {
  const m = /(\d+)\D*$/.exec(code);
  return m ? Number(m[1]) : 0;
}

export const PICKER_STATIC_LIMIT = 100;

/**
 * Activities the actor may report on, their own area(s) first, then the Comune-wide ones,
 * then (for Segretario/admin) the other areas; filtered by `query` (code prefix or words of the title).
 */
export async function writableActivities(
  db: Reader,
  plan: PlanHeader,
  actor: Actor,
  options: { query?: string; limit?: number } = {},
): Promise<{ options: PickerOption[]; total: number }> {
  const limit = options.limit ?? PICKER_STATIC_LIMIT;
  if (actor.role === "nucleo") return { options: [], total: 0 };
  const conditions: Prisma.Sql[] = [Prisma.sql`a."planId" = ${plan.id} AND a."archivedAt" IS NULL`];
  if (actor.role === "dipendente" || actor.role === "responsabile") {
    conditions.push(
      actor.areaCodes.length
        ? Prisma.sql`(o."areaId" IS NULL OR ar."code" IN (${Prisma.join(actor.areaCodes)}))`
        : Prisma.sql`o."areaId" IS NULL`,
    );
  }
  const q = (options.query ?? "").trim().slice(0, 100);
  if (q) {
    const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(
      Prisma.sql`(a."code" LIKE ${`${escaped}%`} ESCAPE '\\' OR a."printedCode" LIKE ${`${escaped}%`} ESCAPE '\\' OR a."title" LIKE ${`%${escaped}%`} ESCAPE '\\')`,
    );
  }
  const own = actor.areaCodes.length
    ? Prisma.sql`CASE WHEN ar."code" IN (${Prisma.join(actor.areaCodes)}) THEN 0 WHEN o."areaId" IS NULL THEN 1 ELSE 2 END`
    : Prisma.sql`CASE WHEN o."areaId" IS NULL THEN 1 ELSE 2 END`;
  const from = Prisma.sql`FROM "Activity" a JOIN "Objective" o ON o."id" = a."objectiveId" LEFT JOIN "Area" ar ON ar."id" = o."areaId" WHERE ${Prisma.join(conditions, " AND ")}`;
  const [rows, countRows] = await Promise.all([
    db.$queryRaw<
      {
        code: string;
        printedCode: string;
        title: string;
        objectiveCode: string;
        areaCode: string | null;
        areaName: string | null;
      }[]
    >`
      SELECT a."code", a."printedCode", a."title", o."code" AS "objectiveCode", ar."code" AS "areaCode", ar."name" AS "areaName"
      ${from} ORDER BY ${own}, ar."position", o."position", a."position" LIMIT ${Math.max(1, Math.floor(limit))}`,
    db.$queryRaw<{ n: bigint | number }[]>`SELECT COUNT(*) AS "n" ${from}`,
  ]);
  return {
    total: Number(countRows[0]?.n ?? 0),
    options: rows
      .filter((r) => canWriteActivity(actor, { areaCode: r.areaCode }))
      .map((r) => ({
        code: r.code,
        printedCode: r.printedCode,
        title: r.title,
        objectiveCode: r.objectiveCode,
        group: r.areaCode === null ? "Obiettivi dell'ente" : `${r.areaCode}. ${r.areaName ?? ""}`.trim(),
      })),
  };
}

export interface OpenActivityRow {
  code: string;
  title: string;
  targetText: string;
  objectiveCode: string;
  areaCode: string | null;
  deadline: string | null;
  status: string | null;
}

/**
 * Open (not completed) activities of the given areas plus the Comune-wide ones involving them, by effective deadline
 * (none last), then objective and activity position.
 *
 * An area holds tens of thousands of activities in a large plan, and this runs after every report (the App Home
 * of who reported is refreshed), so the page is never sorted from the whole area: it comes from walks that each
 * meet rows already in order, one per deadline in force (domain/plan/deadline.ts: the one set by hand wins):
 * activities without a manual deadline by their own (index Activity(planId, deadline)), those with one (few, from
 * ManualDeadline), and only when these do not fill the page the ones without any deadline. The count reads the
 * area's activities from a covering index (Activity_scope_idx) and their Progress, nothing else. The reads take
 * turns with the event loop (db/turns.ts): a command arriving meanwhile waits for one of them, not for all.
 * test/store/open-activities.test.ts holds the page and the count equal to the plain rule.
 */
export async function openActivitiesOfAreas(
  db: Reader,
  plan: { id: number; year: number },
  areaCodes: string[],
  limit: number,
  today: string,
): Promise<{ rows: OpenActivityRow[]; total: number }> {
  if (!areaCodes.length) return { rows: [], total: 0 };
  // Objectives a variation touches are read apart, as in force today.
  const varied = await variedObjectives(db, plan, today);
  const skip = (alias: string) =>
    varied?.excludeIds.length
      ? Prisma.sql` AND ${Prisma.raw(alias)}.id NOT IN (${Prisma.join(varied.excludeIds)})`
      : Prisma.empty;
  // A Comune-wide activity naming no area concerns everyone; "Tutte EQ" every area.
  const involves = Prisma.sql`(a.involvesAllAreas = 1 OR a.involvedAreas = '' OR ${Prisma.join(
    areaCodes.map((c) => Prisma.sql`(',' || a.involvedAreas || ',') LIKE ${`%,${c},%`}`),
    " OR ",
  )})`;
  const open = Prisma.sql`(p.status IS NULL OR p.status <> 'completata')`;
  const mine = Prisma.sql`a.planId = ${plan.id} AND a.archivedAt IS NULL AND o.archivedAt IS NULL AND ${open}
      AND ((o.areaId IS NOT NULL AND ar.code IN (${Prisma.join(areaCodes)})) OR (o.areaId IS NULL AND ${involves}))${skip("o")}`;
  const select = (deadline: Prisma.Sql) => Prisma.sql`
      SELECT a.code AS code, a.title AS title, a.targetText AS targetText, o.code AS objectiveCode, ar.code AS areaCode,
             ${deadline} AS deadline, p.status AS status, o.position AS objectivePosition, a.position AS position`;
  const joins = Prisma.sql`
    JOIN "Objective" o ON o.id = a.objectiveId
    LEFT JOIN "Area" ar ON ar.id = o.areaId
    LEFT JOIN "Progress" p ON p.planYear = ${plan.year} AND p.activityCode = a.code`;
  const noManual = Prisma.sql`NOT EXISTS (SELECT 1 FROM "ManualDeadline" md WHERE md.planYear = ${plan.year} AND md.activityCode = a.code)`;
  type Row = OpenActivityRow & { objectivePosition: number | bigint; position: number | bigint };
  // One read at a time with a turn of the event loop between them: at 100,000 activities the count alone
  // reads ~20,000 rows (db/turns.ts).
  const dated = await db.$queryRaw<Row[]>`${select(Prisma.sql`a.deadline`)}
      FROM "Activity" a INDEXED BY "Activity_planId_deadline_idx" ${joins}
      WHERE a.deadline IS NOT NULL AND ${mine} AND ${noManual}
      ORDER BY a.deadline, o.position, a.position LIMIT ${limit}`;
  await nextTurn();
  // CROSS JOIN: SQLite keeps this order, from the few deadlines set by hand to their activities.
  const manual = await db.$queryRaw<Row[]>`${select(Prisma.sql`md.deadline`)}
      FROM "ManualDeadline" md CROSS JOIN "Activity" a ON a.planId = ${plan.id} AND a.code = md.activityCode ${joins}
      WHERE md.planYear = ${plan.year} AND ${mine}
      ORDER BY md.deadline, o.position, a.position LIMIT ${limit}`;
  await nextTurn();
  // The areas' objectives from Objective(areaId), not by scanning the plan's objectives for their area's code
  // (naming o.planId here makes SQLite pick that scan; a.planId already keeps to the plan).
  const [ofAreas] = await db.$queryRaw<{ n: bigint | number }[]>`
      SELECT COUNT(*) AS n FROM "Activity" a
      LEFT JOIN "Progress" p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND ${open} AND a.objectiveId IN (
        SELECT o.id FROM "Objective" o
        WHERE o.areaId IN (SELECT ar.id FROM "Area" ar WHERE ar.planId = ${plan.id} AND ar.code IN (${Prisma.join(areaCodes)}))
          AND o.archivedAt IS NULL${skip("o")})`;
  await nextTurn();
  const [comuneWide] = await db.$queryRaw<{ n: bigint | number }[]>`
      SELECT COUNT(*) AS n FROM "Activity" a
      LEFT JOIN "Progress" p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND ${open} AND ${involves} AND a.objectiveId IN (
        SELECT o.id FROM "Objective" o
        WHERE o.planId = ${plan.id} AND o.archivedAt IS NULL AND o.areaId IS NULL${skip("o")})`;
  const counted = Number(ofAreas?.n ?? 0) + Number(comuneWide?.n ?? 0);
  const sortKey = (r: Row) => [r.deadline ?? "", Number(r.objectivePosition), Number(r.position)] as const;
  const byDeadline = (x: Row, y: Row) => {
    const [dx, ox, px] = sortKey(x);
    const [dy, oy, py] = sortKey(y);
    return dx < dy ? -1 : dx > dy ? 1 : ox - oy || px - py;
  };
  const first = [...dated, ...manual].sort(byDeadline).slice(0, limit);
  if (first.length < limit) await nextTurn();
  const undated =
    first.length < limit
      ? await db.$queryRaw<Row[]>`${select(Prisma.sql`NULL`)}
          FROM "Activity" a ${joins}
          WHERE a.deadline IS NULL AND ${mine} AND ${noManual}
          ORDER BY o.position, a.position LIMIT ${limit - first.length}`
      : [];
  const rows: OpenActivityRow[] = [...first, ...undated].map(({ objectivePosition: _o, position: _p, ...r }) => r);
  if (!varied) return { rows, total: counted };
  const extra: OpenActivityRow[] = [];
  for (const o of varied.objectives) {
    for (const a of o.activities) {
      if (a.status === "completata") continue;
      const mine =
        o.areaCode !== null
          ? areaCodes.includes(o.areaCode)
          : a.involvesAllAreas ||
            a.involvedAreas === "" ||
            a.involvedAreas.split(",").some((c) => areaCodes.includes(c));
      if (mine)
        extra.push({
          code: a.code,
          title: a.title,
          targetText: a.targetText,
          objectiveCode: o.code,
          areaCode: o.areaCode,
          deadline: a.deadline,
          status: a.status,
        });
    }
  }
  const key = (r: OpenActivityRow) => (r.deadline === null ? "9" : `0${r.deadline}`);
  const merged = [...rows, ...extra].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)).slice(0, limit);
  return { rows: merged, total: counted + extra.length };
}
