import { romeDay } from "../domain/calendar/days.ts";
import type { Db, Tx } from "../db/client.ts";
import { appendAudit } from "./audit.ts";
import { listVariations } from "./variations.ts";
import type {
  FindingRecord,
  FindingWrite,
  ManualDeadlineRecord,
  Outcome,
  PlanActivityRecord,
  RegistroReport,
} from "../domain/validation/input.ts";

export type { FindingWrite };

/**
 * The queries behind the validation pack and the Nucleo's findings. An activity removed by a
 * variation (stralcio) carries the variation's act; one archived by a re-import has none. A
 * deadline changed by a variation is listed with its act beside the deadlines set by hand.
 */

type Reader = Db | Tx;

export interface ValidationRecords {
  planActivities: PlanActivityRecord[];
  reports: RegistroReport[];
  manualDeadlines: ManualDeadlineRecord[];
  findings: FindingRecord[];
  names: Record<string, string | null>;
}

/** Every activity the plan of the year ever had (archived ones too), every report entered before `cutoff`, and the rest. */
export async function loadValidationRecords(
  db: Reader,
  plan: { id: number; year: number },
  cutoff: Date,
  asOf: string,
): Promise<ValidationRecords> {
  const [activities, reports, manual, findings, users, variations] = await Promise.all([
    db.activity.findMany({
      where: { planId: plan.id },
      orderBy: { position: "asc" },
      select: { code: true, title: true, archivedAt: true, objective: { select: { code: true, archivedAt: true } } },
    }),
    db.report.findMany({
      where: { planYear: plan.year, createdAt: { lt: cutoff } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.manualDeadline.findMany({ where: { planYear: plan.year }, orderBy: { activityCode: "asc" } }),
    latestFindings(db, plan.year),
    db.user.findMany({ select: { slackUserId: true, name: true } }),
    listVariations(db, plan.year),
  ]);
  // Removals (of an activity, or of its whole objective) in force at the date, with their act.
  const removedBy = new Map<string, { act: string; validFrom: string }>();
  const deadlineChanges: ManualDeadlineRecord[] = [];
  for (const v of variations) {
    if (v.validFrom > asOf) continue;
    for (const c of v.changes) {
      if (c.field === "exists") {
        const key = `${c.entityType}:${c.code}`;
        if (c.to === false) removedBy.set(key, { act: v.act, validFrom: v.validFrom });
        else removedBy.delete(key);
      } else if (c.entityType === "activity" && c.field === "deadline" && typeof c.to === "string") {
        deadlineChanges.push({
          code: c.code,
          deadline: c.to,
          setBy: v.createdBy,
          setAt: v.createdAt,
          act: v.act,
          note: v.reason,
        });
      }
    }
  }
  return {
    planActivities: activities.map((a) => {
      const varied = removedBy.get(`activity:${a.code}`) ?? removedBy.get(`objective:${a.objective.code}`);
      if (varied) return { code: a.code, title: a.title, removedOn: varied.validFrom, removalAct: varied.act };
      const removed = a.archivedAt ?? a.objective.archivedAt;
      return { code: a.code, title: a.title, removedOn: removed ? romeDay(removed) : null, removalAct: null };
    }),
    reports: reports.map((r) => ({
      id: r.id,
      code: r.activityCode,
      kind: r.kind,
      status: r.status,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      valueSource: r.valueSource,
      occurredOn: r.occurredOn,
      createdAt: r.createdAt,
      userId: r.userId,
      enteredBy: r.enteredBy,
      source: r.source,
      evidence: r.evidence,
      note: r.note,
      // An undo after the date of the data had not happened yet on that date.
      undoneAt: r.undoneAt && r.undoneAt < cutoff ? r.undoneAt : null,
      undoneBy: r.undoneAt && r.undoneAt < cutoff ? r.undoneBy : null,
    })),
    manualDeadlines: [
      ...manual.map((m) => ({
        code: m.activityCode,
        deadline: m.deadline,
        setBy: m.setBy,
        setAt: m.setAt,
        act: null,
        note: m.note,
      })),
      ...deadlineChanges,
    ],
    findings,
    names: Object.fromEntries(users.map((u) => [u.slackUserId, u.name])),
  };
}

/** The finding in force per activity: the latest recorded. */
export async function latestFindings(db: Reader, planYear: number): Promise<FindingRecord[]> {
  const rows = await db.validationFinding.findMany({
    where: { planYear },
    orderBy: [{ recordedAt: "asc" }, { id: "asc" }],
  });
  const latest = new Map<string, FindingRecord>();
  for (const r of rows) {
    latest.set(r.activityCode, {
      code: r.activityCode,
      outcome: r.outcome as Outcome,
      note: r.note,
      recordedBy: r.recordedBy,
      recordedAt: r.recordedAt,
      origin: r.origin,
    });
  }
  return [...latest.values()];
}

/** Records findings (one row each, audited) in one transaction: all of them or none. */
export async function insertFindings(
  db: Db,
  planYear: number,
  findings: readonly FindingWrite[],
  by: { actor: string; origin: string; now: Date },
): Promise<number> {
  return db.$transaction(async (tx) => {
    for (const f of findings) {
      const before = await tx.validationFinding.findFirst({
        where: { planYear, activityCode: f.code },
        orderBy: [{ recordedAt: "desc" }, { id: "desc" }],
      });
      await tx.validationFinding.create({
        data: {
          planYear,
          activityCode: f.code,
          outcome: f.outcome,
          note: f.note,
          recordedBy: by.actor,
          recordedAt: by.now,
          origin: by.origin,
        },
      });
      await appendAudit(tx, {
        at: by.now,
        actor: by.actor,
        action: "validation_finding",
        entityType: "validation_finding",
        entityKey: `${planYear}:${f.code}`,
        before: before ? { outcome: before.outcome, note: before.note } : null,
        after: { outcome: f.outcome, note: f.note, origin: by.origin },
      });
    }
    return findings.length;
  });
}

export interface StoredSample {
  seed: string;
  size: number;
  codes: string[];
  asOf: string;
  createdAt: Date;
  createdBy: string;
}

export async function saveSample(
  db: Db,
  planYear: number,
  sample: Omit<StoredSample, "createdAt" | "createdBy">,
  by: { actor: string; now: Date },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.validationSample.create({
      data: {
        planYear,
        seed: sample.seed,
        size: sample.size,
        codes: JSON.stringify(sample.codes),
        asOf: sample.asOf,
        createdAt: by.now,
        createdBy: by.actor,
      },
    });
    await appendAudit(tx, {
      at: by.now,
      actor: by.actor,
      action: "validation_sample",
      entityType: "validation_sample",
      entityKey: String(planYear),
      after: sample,
    });
  });
}

export async function latestSample(db: Reader, planYear: number): Promise<StoredSample | null> {
  const row = await db.validationSample.findFirst({
    where: { planYear },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  if (!row) return null;
  let codes: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.codes);
    if (Array.isArray(parsed)) codes = parsed.filter((c): c is string => typeof c === "string");
  } catch {
    codes = [];
  }
  return { seed: row.seed, size: row.size, codes, asOf: row.asOf, createdAt: row.createdAt, createdBy: row.createdBy };
}
