import { daysBetween } from "../calendar/days.ts";
import { wellFormed } from "../text/well-formed.ts";
import type { Db, Tx } from "../../db/client.ts";
import { UserError } from "../../errors.ts";
import { appendAudit } from "../../store/audit.ts";
import { itDate } from "../text/italian.ts";
import type { ChangeBus } from "../../app/events.ts";
import { assertCanWriteActivity, requireActor } from "../permissions.ts";
import { loadActor } from "../../store/users.ts";
import { effectiveDeadline } from "../plan/deadline.ts";

/**
 * Causes of delays ("scostamenti"), asked when an activity becomes overdue and kept for
 * the Relazione sulla performance, which must state the cause of every deviation.
 */

export const DELAY_CAUSES = [
  { code: "carenza_personale", label: "carenza di personale" },
  { code: "modifica_normativa", label: "modifica normativa" },
  { code: "ritardo_altri_enti", label: "ritardo di altri enti o uffici" },
  { code: "mancanza_risorse", label: "mancanza di risorse finanziarie" },
  { code: "priorita_cambiate", label: "priorità cambiate dall'amministrazione" },
  { code: "altro", label: "altro" },
] as const;

export type DelayCause = (typeof DELAY_CAUSES)[number]["code"];

export function delayCauseLabel(code: string): string {
  return DELAY_CAUSES.find((c) => c.code === code)?.label ?? code;
}

export const EXPLANATION_MAX = 3000;
export const CORRECTIVE_MAX = 3000;

export interface DelayInput {
  cause: string | null;
  explanation: string | null;
  correctiveAction: string | null;
  /** ISO yyyy-mm-dd. */
  newExpectedDate: string | null;
}

export interface ValidDelay {
  cause: DelayCause;
  explanation: string;
  correctiveAction: string | null;
  newExpectedDate: string | null;
}

export type DelayField = keyof DelayInput;

/** Field-by-field problems, in Italian, so a form can show each next to its field. */
export class DelayValidationError extends UserError {
  constructor(readonly errors: Partial<Record<DelayField, string>>) {
    super("invalid_delay", Object.values(errors).join(" "));
  }
}

export function validateDelayInput(input: DelayInput, today: string): { ok: true; value: ValidDelay } | { ok: false; errors: Partial<Record<DelayField, string>> } {
  const errors: Partial<Record<DelayField, string>> = {};
  const cause = DELAY_CAUSES.find((c) => c.code === input.cause)?.code;
  if (!cause) errors.cause = "Scegli la causa del ritardo dall'elenco (se nessuna va bene, scegli «altro» e spiegala).";
  const explanation = wellFormed(input.explanation ?? "").trim();
  if (explanation === "") errors.explanation = "Scrivi che cosa è successo: la spiegazione è obbligatoria e finisce nella Relazione sulla performance.";
  else if (explanation.length > EXPLANATION_MAX) errors.explanation = `La spiegazione è troppo lunga: al massimo ${EXPLANATION_MAX} caratteri.`;
  const corrective = wellFormed(input.correctiveAction ?? "").trim();
  if (corrective.length > CORRECTIVE_MAX) errors.correctiveAction = `L'azione correttiva è troppo lunga: al massimo ${CORRECTIVE_MAX} caratteri.`;
  const date = input.newExpectedDate?.trim() || null;
  if (date !== null) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      errors.newExpectedDate = "Data non valida: scegli il giorno dal calendario.";
    } else if (date < today) {
      errors.newExpectedDate = `La nuova data prevista non può essere nel passato: scegli oggi (${itDate(today)}) o un giorno successivo.`;
    }
  }
  if (Object.keys(errors).length > 0 || !cause) return { ok: false, errors };
  return { ok: true, value: { cause, explanation, correctiveAction: corrective === "" ? null : corrective, newExpectedDate: date } };
}

export interface DelayActivity {
  year: number;
  code: string;
  title: string;
  areaCode: string | null;
  areaName: string | null;
  deadline: string | null;
  /** Days past the effective deadline on `today` (<= 0: not yet late). */
  daysLate: number | null;
}

async function loadActivity(db: Db | Tx, year: number, code: string, today: string): Promise<DelayActivity> {
  const plan = await db.plan.findUnique({ where: { year }, select: { id: true } });
  const activity = plan
    ? await db.activity.findFirst({
        where: { planId: plan.id, code, archivedAt: null },
        select: { code: true, title: true, deadline: true, objective: { select: { area: { select: { code: true, name: true } } } } },
      })
    : null;
  if (!activity) {
    throw new UserError("unknown_code", `L'attività ${code} non è (più) nel piano ${year}: forse il piano è stato aggiornato. Controlla con «/obiettivo ${code}».`);
  }
  const manual = await db.manualDeadline.findUnique({ where: { planYear_activityCode: { planYear: year, activityCode: code } } });
  const deadline = effectiveDeadline(activity, manual);
  return {
    year,
    code: activity.code,
    title: activity.title,
    areaCode: activity.objective.area?.code ?? null,
    areaName: activity.objective.area?.name ?? null,
    deadline,
    daysLate: deadline ? daysBetween(deadline, today) : null,
  };
}

/**
 * The activity a delay cause is about, checked for the user: only those who may write
 * the activity may explain its delay (the same rule as reporting progress).
 */
export async function delayActivityFor(db: Db, q: { year: number; code: string; userId: string; today: string }): Promise<DelayActivity> {
  const actor = requireActor(await loadActor(db, q.userId), q.userId);
  const activity = await loadActivity(db, q.year, q.code, q.today);
  assertCanWriteActivity(actor, { code: activity.code, areaCode: activity.areaCode });
  return activity;
}

export interface RecordDelayInput extends DelayInput {
  year: number;
  code: string;
  userId: string;
  now: Date;
  today: string;
}

export interface RecordedDelay {
  id: number;
  activity: DelayActivity;
  value: ValidDelay;
}

/** Validates, checks permission, stores the cause with author and time, audits it, and tells listeners. */
export async function recordDelayExplanation(db: Db, input: RecordDelayInput, changes?: ChangeBus): Promise<RecordedDelay> {
  const v = validateDelayInput(input, input.today);
  if (!v.ok) throw new DelayValidationError(v.errors);
  const saved = await db.$transaction(async (tx) => {
    const actor = requireActor(await loadActor(tx, input.userId), input.userId);
    const activity = await loadActivity(tx, input.year, input.code, input.today);
    assertCanWriteActivity(actor, { code: activity.code, areaCode: activity.areaCode });
    const row = await tx.delayExplanation.create({
      data: {
        planYear: input.year,
        activityCode: activity.code,
        cause: v.value.cause,
        explanation: v.value.explanation,
        correctiveAction: v.value.correctiveAction,
        newExpectedDate: v.value.newExpectedDate,
        userId: input.userId,
        createdAt: input.now,
      },
    });
    await appendAudit(tx, {
      at: input.now,
      actor: input.userId,
      action: "delay_cause",
      entityType: "activity",
      entityKey: `${input.year}:${activity.code}`,
      after: { id: row.id, ...v.value, deadline: activity.deadline },
    });
    return { id: row.id, activity };
  });
  changes?.emit({ userId: input.userId, planYear: input.year, activityCode: saved.activity.code, kind: "delay_cause" });
  return { ...saved, value: v.value };
}

export interface DelayExplanationView {
  id: number;
  cause: string;
  causeLabel: string;
  explanation: string;
  correctiveAction: string | null;
  newExpectedDate: string | null;
  userId: string;
  createdAt: Date;
}

/** The causes recorded for an activity, newest first (for /obiettivo storia and the Relazione). */
export async function delayExplanationsOf(db: Db | Tx, year: number, code: string): Promise<DelayExplanationView[]> {
  const rows = await db.delayExplanation.findMany({ where: { planYear: year, activityCode: code }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return rows.map((r) => ({ ...r, causeLabel: delayCauseLabel(r.cause) }));
}
