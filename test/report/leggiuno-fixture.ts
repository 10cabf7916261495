import { instantOfDay } from "../../src/domain/calendar/days.ts";
import type { Db } from "../../src/db/client.ts";
import { appendAudit } from "../../src/store/audit.ts";
import { setScoringConfig } from "../../src/store/scoring-config.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN } from "../helpers/db.ts";

/**
 * The Leggiuno 2024 plan with a known year of work: reports (one undone), delay causes,
 * evidence and the final Progress of each reported activity, written through Prisma in
 * transactions with their audit rows. Tests derive every expected figure from this list.
 */

export const USERS = {
  nodari: { id: "U0NODARI", name: "Claudia Nodari", role: "responsabile", areas: ["03"] },
  bianchi: { id: "U0BIANCHI", name: "Mario Bianchi", role: "dipendente", areas: ["03"] },
  sartori: { id: "U0SARTORI", name: "Clarissa Sartori", role: "responsabile", areas: ["01", "02"] },
  segretario: { id: "U0SEGRET", name: "Michele Panariello", role: "segretario", areas: [] },
  nucleo: { id: "U0NUCLEO", name: "Nucleo di Valutazione", role: "nucleo", areas: [] },
  admin: { id: "U0ADMIN", name: null, role: "admin", areas: [] },
} as const;

/** SMVP used by the fixture: late completion scored by bands. */
export const FIXTURE_SMVP = {
  maxPoints: 40,
  rules: {
    deadline: {
      late: "fasce",
      bands: [
        { maxDaysLate: 30, percent: 50 },
        { maxDaysLate: 60, percent: 25 },
      ],
    },
  },
};

interface ReportSpec {
  code: string;
  by: string;
  kind: "status" | "percent" | "count_set" | "amount" | "measure";
  status?: string;
  value?: number;
  /** The day the fact refers to, and (unless `createdOn`) the day it was recorded. */
  on: string;
  createdOn?: string;
  evidence?: string;
  note?: string;
  undoneOn?: string;
}

export const REPORTS: ReportSpec[] = [
  {
    code: "3.1.2",
    by: "U0NODARI",
    kind: "status",
    status: "completata",
    on: "2024-12-20",
    evidence: "Det. n. 245/2024",
  },
  {
    code: "3.1.3",
    by: "U0BIANCHI",
    kind: "status",
    status: "completata",
    on: "2024-11-15",
    evidence: "https://albo.comune.leggiuno.va.it/atto/2024/881",
  },
  { code: "3.1.4", by: "U0BIANCHI", kind: "status", status: "in_corso", on: "2024-06-01" },
  {
    code: "3.1.6",
    by: "U0NODARI",
    kind: "amount",
    value: 150000,
    on: "2024-10-01",
    evidence: "Delibera C.C. n. 31/2024",
  },
  { code: "3.1.7", by: "U0BIANCHI", kind: "count_set", value: 7, on: "2024-12-01" },
  { code: "3.2.1", by: "U0BIANCHI", kind: "percent", value: 80, on: "2024-12-15" },
  {
    code: "3.2.1",
    by: "U0BIANCHI",
    kind: "percent",
    value: 100,
    on: "2024-12-16",
    evidence: "Prot. 999 (sbagliato)",
    undoneOn: "2024-12-16",
  },
  {
    code: "3.2.4",
    by: "U0NODARI",
    kind: "status",
    status: "bloccata",
    on: "2024-06-10",
    note: "In attesa del parere regionale sulla VAS",
  },
  { code: "3.3.2", by: "U0BIANCHI", kind: "count_set", value: 5, on: "2024-06-15" },
  { code: "3.3.2", by: "U0BIANCHI", kind: "count_set", value: 18, on: "2024-12-31" },
  {
    code: "3.4.1",
    by: "U0NODARI",
    kind: "status",
    status: "completata",
    on: "2024-06-28",
    evidence: "Det. n. 120/2024",
  },
  {
    code: "1.1.1",
    by: "U0SARTORI",
    kind: "status",
    status: "completata",
    on: "2024-04-05",
    evidence: "Delibera G.C. n. 30/2024",
  },
  {
    code: "1.2.7",
    by: "U0SARTORI",
    kind: "status",
    status: "completata",
    on: "2024-05-20",
    evidence: "Delibera C.C. n. 12/2024",
  },
  { code: "2.1.4", by: "U0SARTORI", kind: "percent", value: 60, on: "2024-11-30" },
  { code: "2.4.1", by: "U0SARTORI", kind: "percent", value: 100, status: "completata", on: "2024-12-10" },
  { code: "E1.1", by: "U0SARTORI", kind: "measure", value: 40, on: "2024-12-31" },
  { code: "E5.2", by: "U0SARTORI", kind: "count_set", value: 120, on: "2024-12-20" },
];

/** Final state of every reported activity, as the report service derives it. */
export const PROGRESS: Record<
  string,
  {
    status: string;
    percent?: number;
    count?: number;
    achievedValue?: number;
    completedOn?: string;
    blockedReason?: string;
    last: { by: string; on: string };
  }
> = {
  "3.1.2": { status: "completata", completedOn: "2024-12-20", last: { by: "U0NODARI", on: "2024-12-20" } },
  "3.1.3": { status: "completata", completedOn: "2024-11-15", last: { by: "U0BIANCHI", on: "2024-11-15" } },
  "3.1.4": { status: "in_corso", last: { by: "U0BIANCHI", on: "2024-06-01" } },
  "3.1.6": { status: "in_corso", achievedValue: 150000, last: { by: "U0NODARI", on: "2024-10-01" } },
  "3.1.7": { status: "in_corso", count: 7, last: { by: "U0BIANCHI", on: "2024-12-01" } },
  "3.2.1": { status: "in_corso", percent: 80, last: { by: "U0BIANCHI", on: "2024-12-15" } },
  "3.2.4": {
    status: "bloccata",
    blockedReason: "In attesa del parere regionale sulla VAS",
    last: { by: "U0NODARI", on: "2024-06-10" },
  },
  "3.3.2": { status: "in_corso", count: 18, last: { by: "U0BIANCHI", on: "2024-12-31" } },
  "3.4.1": { status: "completata", completedOn: "2024-06-28", last: { by: "U0NODARI", on: "2024-06-28" } },
  "1.1.1": { status: "completata", completedOn: "2024-04-05", last: { by: "U0SARTORI", on: "2024-04-05" } },
  "1.2.7": { status: "completata", completedOn: "2024-05-20", last: { by: "U0SARTORI", on: "2024-05-20" } },
  "2.1.4": { status: "in_corso", percent: 60, last: { by: "U0SARTORI", on: "2024-11-30" } },
  "2.4.1": {
    status: "completata",
    percent: 100,
    completedOn: "2024-12-10",
    last: { by: "U0SARTORI", on: "2024-12-10" },
  },
  "E1.1": { status: "in_corso", achievedValue: 40, last: { by: "U0SARTORI", on: "2024-12-31" } },
  "E5.2": { status: "in_corso", count: 120, last: { by: "U0SARTORI", on: "2024-12-20" } },
};

export const DELAYS = [
  {
    code: "3.1.3",
    by: "U0NODARI",
    on: "2024-11-02",
    cause: "ritardo_altri_enti",
    explanation: "Parere della Soprintendenza arrivato il 05/11/2024",
    correctiveAction: "Sollecito formale e cronoprogramma rivisto",
    newExpectedDate: "2024-11-15",
  },
  {
    code: "3.1.4",
    by: "U0NODARI",
    on: "2024-09-16",
    cause: "altro",
    explanation: "Da verificare",
    correctiveAction: null,
    newExpectedDate: null,
  },
  {
    code: "3.1.4",
    by: "U0NODARI",
    on: "2024-09-20",
    cause: "carenza_personale",
    explanation: "Tecnico comunale in malattia da luglio",
    correctiveAction: "Incarico esterno di supporto al RUP",
    newExpectedDate: "2025-03-31",
  },
  {
    code: "3.3.1",
    by: "U0NODARI",
    on: "2024-04-10",
    cause: "ritardo_altri_enti",
    explanation: "Il nuovo contratto della Convenzione intercomunale non è ancora firmato",
    correctiveAction: null,
    newExpectedDate: "2024-09-30",
  },
];

/** 10:00 Rome on that day. */
const at = (day: string) => new Date(instantOfDay(day).getTime() - 2 * 3_600_000);

export async function loadLeggiunoFixture(db: Db): Promise<void> {
  await importPlanFile(db, LEGGIUNO_PLAN, { actor: "test", now: at("2024-01-10") });
  await db.$transaction(async (tx) => {
    for (const u of Object.values(USERS)) {
      await tx.user.create({
        data: {
          slackUserId: u.id,
          role: u.role,
          name: u.name,
          createdAt: at("2024-01-10"),
          areas: { create: u.areas.map((areaCode) => ({ areaCode })) },
        },
      });
      await appendAudit(tx, {
        at: at("2024-01-10"),
        actor: "test",
        action: "user_add",
        entityType: "user",
        entityKey: u.id,
        after: { role: u.role, areas: u.areas },
      });
    }
  });
  await setScoringConfig(db, 2024, FIXTURE_SMVP, { actor: "test", now: at("2024-01-11") });
  for (const r of REPORTS) {
    const createdAt = at(r.createdOn ?? r.on);
    await db.$transaction(async (tx) => {
      const report = await tx.report.create({
        data: {
          planYear: 2024,
          activityCode: r.code,
          userId: r.by,
          kind: r.kind,
          status: r.status ?? null,
          value: r.value ?? null,
          occurredOn: r.on,
          note: r.note ?? null,
          evidence: r.evidence ?? null,
          source: "slack_modal",
          createdAt,
          undoneAt: r.undoneOn ? new Date(at(r.undoneOn).getTime() + 5 * 60_000) : null,
          undoneBy: r.undoneOn ? r.by : null,
        },
      });
      await appendAudit(tx, {
        at: createdAt,
        actor: r.by,
        action: "report",
        entityType: "progress",
        entityKey: `2024:${r.code}`,
        after: { reportId: report.id, kind: r.kind, value: r.value ?? null },
      });
      if (r.undoneOn) {
        await appendAudit(tx, {
          at: report.undoneAt!,
          actor: r.by,
          action: "report_undo",
          entityType: "progress",
          entityKey: `2024:${r.code}`,
          after: { undoneReportId: report.id },
        });
      }
    });
  }
  await db.$transaction(async (tx) => {
    for (const [code, p] of Object.entries(PROGRESS)) {
      await tx.progress.create({
        data: {
          planYear: 2024,
          activityCode: code,
          status: p.status,
          percent: p.percent ?? null,
          count: p.count ?? null,
          achievedValue: p.achievedValue ?? null,
          completedOn: p.completedOn ?? null,
          blockedReason: p.blockedReason ?? null,
          lastReportAt: at(p.last.on),
          lastReporterId: p.last.by,
          updatedAt: at(p.last.on),
        },
      });
    }
  });
  for (const d of DELAYS) {
    await db.$transaction(async (tx) => {
      await tx.delayExplanation.create({
        data: {
          planYear: 2024,
          activityCode: d.code,
          cause: d.cause,
          explanation: d.explanation,
          correctiveAction: d.correctiveAction,
          newExpectedDate: d.newExpectedDate,
          userId: d.by,
          createdAt: at(d.on),
        },
      });
      await appendAudit(tx, {
        at: at(d.on),
        actor: d.by,
        action: "delay_cause",
        entityType: "delay",
        entityKey: `2024:${d.code}`,
        after: { cause: d.cause },
      });
    });
  }
}
