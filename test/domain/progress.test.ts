import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChangeBus, type ChangeEvent } from "../../src/app/events.ts";
import { deriveProgress, periodKey, type ReportFact, type ReportInput } from "../../src/domain/progress/progress.ts";
import { activityHistory, recordReport, undoReport } from "../../src/store/reports.ts";
import { UserError } from "../../src/errors.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

let seq = 0;
function fact(kind: string, extra: Partial<ReportFact> = {}): ReportFact {
  seq += 1;
  return {
    id: seq,
    kind,
    status: null,
    value: null,
    occurredOn: "2024-03-01",
    note: null,
    userId: "U1",
    createdAt: new Date(Date.UTC(2024, 2, 1, 8, 0, seq)),
    ...extra,
  };
}

describe("deriveProgress (pure)", () => {
  const deadlineKind = { targetKind: "deadline", period: null };

  it("is 'non iniziata' with no reports", () => {
    expect(deriveProgress([], deadlineKind)).toMatchObject({
      status: "non_iniziata",
      percent: null,
      count: null,
      completedOn: null,
      lastReportAt: null,
    });
  });

  it("percent moves to 'in corso', 100% completes on the day of the report, less reopens", () => {
    const a = fact("percent", { value: 40 });
    const b = fact("percent", { value: 100, occurredOn: "2024-03-05" });
    expect(deriveProgress([a], deadlineKind)).toMatchObject({ status: "in_corso", percent: 40 });
    expect(deriveProgress([a, b], deadlineKind)).toMatchObject({
      status: "completata",
      percent: 100,
      completedOn: "2024-03-05",
    });
    const c = fact("percent", { value: 80 });
    expect(deriveProgress([a, b, c], deadlineKind)).toMatchObject({
      status: "in_corso",
      percent: 80,
      completedOn: null,
    });
  });

  it("applies reports in the order recorded, whatever order they come in", () => {
    const a = fact("status", { status: "completata", occurredOn: "2024-03-02" });
    const b = fact("status", { status: "in_corso" });
    expect(deriveProgress([b, a], deadlineKind).status).toBe("in_corso");
  });

  it("an explicit status wins over what a value implies", () => {
    const r = fact("percent", { value: 100, status: "in_corso" });
    expect(deriveProgress([r], deadlineKind)).toMatchObject({ status: "in_corso", percent: 100, completedOn: null });
  });

  it("keeps the first completion date when 100% is reported again, but a new explicit date corrects it", () => {
    const a = fact("status", { status: "completata", occurredOn: "2024-03-02" });
    const b = fact("percent", { value: 100, occurredOn: "2024-04-01" });
    expect(deriveProgress([a, b], deadlineKind).completedOn).toBe("2024-03-02");
    const c = fact("status", { status: "completata", occurredOn: "2024-03-10" });
    expect(deriveProgress([a, b, c], deadlineKind).completedOn).toBe("2024-03-10");
  });

  it("blocked keeps its reason; leaving the state clears it", () => {
    const a = fact("status", { status: "bloccata", note: "manca il parere" });
    expect(deriveProgress([a], deadlineKind)).toMatchObject({ status: "bloccata", blockedReason: "manca il parere" });
    const b = fact("percent", { value: 30 });
    expect(deriveProgress([a, b], deadlineKind)).toMatchObject({
      status: "bloccata",
      percent: 30,
      blockedReason: "manca il parere",
    });
    const c = fact("status", { status: "in_corso" });
    expect(deriveProgress([a, b, c], deadlineKind)).toMatchObject({ status: "in_corso", blockedReason: null });
  });

  it("counts add up, '= N' sets the total, and per-period counts follow the indicator's period", () => {
    const monthly = { targetKind: "count", period: "month" };
    const reports = [
      fact("count_add", { value: 2, occurredOn: "2024-03-04" }),
      fact("count_add", { value: 1, occurredOn: "2024-03-20" }),
      fact("count_add", { value: 1, occurredOn: "2024-04-02" }),
      fact("count_set", { value: 6, occurredOn: "2024-04-30" }),
    ];
    const d = deriveProgress(reports, monthly);
    expect(d).toMatchObject({ status: "in_corso", count: 6 });
    expect(d.periodCounts).toEqual([
      { period: "2024-03", count: 3 },
      { period: "2024-04", count: 3 },
    ]);
    expect(deriveProgress(reports, { targetKind: "count", period: null }).periodCounts).toEqual([]);
  });

  it("records yes/no, amounts and measures as the achieved value", () => {
    expect(deriveProgress([fact("boolean", { value: 1 })], { targetKind: "boolean", period: null })).toMatchObject({
      achievedValue: 1,
      status: "in_corso",
    });
    expect(
      deriveProgress([fact("amount", { value: 250000 })], { targetKind: "amount", period: null }).achievedValue,
    ).toBe(250000);
    expect(
      deriveProgress([fact("measure", { value: 27 })], { targetKind: "upper_bound", period: null }).achievedValue,
    ).toBe(27);
  });

  it("names ISO weeks, days, months and years", () => {
    expect(periodKey("2024-01-01", "week")).toBe("2024-W01");
    expect(periodKey("2024-12-30", "week")).toBe("2025-W01");
    expect(periodKey("2021-01-03", "week")).toBe("2020-W53");
    expect(periodKey("2024-03-12", "day")).toBe("2024-03-12");
    expect(periodKey("2024-03-12", "month")).toBe("2024-03");
    expect(periodKey("2024-03-12", "year")).toBe("2024");
  });
});

describe("progress service on a real database with the Leggiuno plan", () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  const now = new Date("2024-10-07T08:00:00Z");
  const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
  const base = { planYear: 2024, userId: "U1", source: "slack_command" } as const;

  beforeEach(async () => {
    database = await testDatabase();
    await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  });
  afterEach(async () => {
    await database.dispose();
  });

  it("records a report, derives Progress and audits before/after, then announces the change", async () => {
    const changes = new ChangeBus();
    const seen: ChangeEvent[] = [];
    changes.on((e) => seen.push(e));
    const r = await recordReport(
      database.db,
      { ...base, activityCode: "3.1.2", kind: "percent", value: 60 },
      now,
      changes,
    );
    expect(r.duplicate).toBe(false);
    expect(r.progress).toMatchObject({ status: "in_corso", percent: 60, lastReporterId: "U1" });
    expect(r.report).toMatchObject({ kind: "percent", value: 60, occurredOn: "2024-10-07", source: "slack_command" });
    const stored = await database.db.progress.findUnique({
      where: { planYear_activityCode: { planYear: 2024, activityCode: "3.1.2" } },
    });
    expect(stored?.percent).toBe(60);
    const audit = await database.db.auditEntry.findMany({ where: { entityKey: "2024:3.1.2" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "report", actor: "U1", entityType: "progress" });
    expect(JSON.parse(audit[0]!.before!)).toBeNull();
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ status: "in_corso", percent: 60 });
    expect(seen).toEqual([{ userId: "U1", planYear: 2024, activityCode: "3.1.2", kind: "report" }]);
  });

  it("a repeated idempotency key returns the same stored report and writes nothing", async () => {
    const changes = new ChangeBus();
    let events = 0;
    changes.on(() => (events += 1));
    const input: ReportInput = {
      ...base,
      activityCode: "3.3.2",
      kind: "count_add",
      value: 1,
      idempotencyKey: "cmd:trigger-1",
    };
    const first = await recordReport(database.db, input, now, changes);
    const second = await recordReport(database.db, input, minutes(1), changes);
    expect(second.duplicate).toBe(true);
    expect(second.report.id).toBe(first.report.id);
    expect(second.derived.count).toBe(1);
    expect(await database.db.report.count()).toBe(1);
    expect(await database.db.auditEntry.count({ where: { action: "report" } })).toBe(1);
    expect(events).toBe(1);
  });

  it("refuses counts on indicators that are not counts, dates in the future, blocked without reason", async () => {
    await expect(
      recordReport(database.db, { ...base, activityCode: "3.1.2", kind: "count_add", value: 1 }, now),
    ).rejects.toMatchObject({ code: "not_a_count" });
    await expect(
      recordReport(
        database.db,
        { ...base, activityCode: "3.1.2", kind: "status", status: "completata", occurredOn: "2024-10-08" },
        now,
      ),
    ).rejects.toMatchObject({
      code: "future_date",
    });
    await expect(
      recordReport(database.db, { ...base, activityCode: "3.1.2", kind: "status", status: "bloccata" }, now),
    ).rejects.toBeInstanceOf(UserError);
    await expect(
      recordReport(database.db, { ...base, activityCode: "9.9.9", kind: "note", note: "x" }, now),
    ).rejects.toMatchObject({ code: "unknown_code" });
    expect(await database.db.report.count()).toBe(0);
    expect(await database.db.progress.count()).toBe(0);
  });

  it("undo: only the author, only within 15 minutes, once; Progress is recomputed and audited", async () => {
    const changes = new ChangeBus();
    const seen: string[] = [];
    changes.on((e) => seen.push(e.kind));
    await recordReport(database.db, { ...base, activityCode: "3.1.2", kind: "percent", value: 40 }, now);
    const done = await recordReport(
      database.db,
      { ...base, activityCode: "3.1.2", kind: "status", status: "completata" },
      minutes(1),
    );
    expect(done.progress.status).toBe("completata");

    await expect(
      undoReport(database.db, { reportId: done.report.id, userId: "U2", now: minutes(2) }),
    ).rejects.toMatchObject({ code: "not_author" });
    await expect(
      undoReport(database.db, { reportId: done.report.id, userId: "U1", now: minutes(16.5) }),
    ).rejects.toMatchObject({ code: "undo_expired" });

    const undone = await undoReport(
      database.db,
      { reportId: done.report.id, userId: "U1", now: minutes(15.9) },
      changes,
    );
    expect(undone.report.undoneBy).toBe("U1");
    expect(undone.progress).toMatchObject({ status: "in_corso", percent: 40, completedOn: null });
    expect(seen).toEqual(["report_undo"]);
    await expect(
      undoReport(database.db, { reportId: done.report.id, userId: "U1", now: minutes(3) }),
    ).rejects.toMatchObject({ code: "already_undone" });
    await expect(undoReport(database.db, { reportId: 99999, userId: "U1", now })).rejects.toMatchObject({
      code: "report_not_found",
    });
    expect(await database.db.auditEntry.count({ where: { action: "report_undo", entityKey: "2024:3.1.2" } })).toBe(1);
  });

  it("undoing the only report brings the activity back to 'non iniziata'", async () => {
    const r = await recordReport(database.db, { ...base, activityCode: "4.4.1", kind: "count_add", value: 2 }, now);
    const u = await undoReport(database.db, { reportId: r.report.id, userId: "U1", now: minutes(1) });
    expect(u.progress).toMatchObject({ status: "non_iniziata", count: null, lastReportAt: null });
  });

  it("history lists undone reports marked, newest first, and the delay explanations", async () => {
    const a = await recordReport(database.db, { ...base, activityCode: "3.1.3", kind: "percent", value: 30 }, now);
    await recordReport(
      database.db,
      { ...base, activityCode: "3.1.3", kind: "note", note: "sentita la ditta" },
      minutes(1),
    );
    await undoReport(database.db, { reportId: a.report.id, userId: "U1", now: minutes(2) });
    await database.db.delayExplanation.create({
      data: {
        planYear: 2024,
        activityCode: "3.1.3",
        cause: "carenza_personale",
        explanation: "un tecnico in meno",
        userId: "U1",
        createdAt: minutes(3),
      },
    });
    const h = await activityHistory(database.db, 2024, "3.1.3");
    expect(h.totalReports).toBe(2);
    expect(h.reports.map((r) => [r.kind, r.undoneAt !== null])).toEqual([
      ["note", false],
      ["percent", true],
    ]);
    expect(h.delays).toHaveLength(1);
  });

  it("keeps Progress when the plan is re-imported (keyed by year and code)", async () => {
    await recordReport(database.db, { ...base, activityCode: "3.1.2", kind: "status", status: "completata" }, now);
    await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: minutes(5) });
    const p = await database.db.progress.findUnique({
      where: { planYear_activityCode: { planYear: 2024, activityCode: "3.1.2" } },
    });
    expect(p?.status).toBe("completata");
  });
});
