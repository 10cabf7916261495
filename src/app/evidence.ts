import type { Db, Tx } from "../db/client.ts";
import { activityByCanonicalCode } from "../store/activities.ts";
import { currentPlan } from "../store/plan.ts";
import { appendAudit } from "../store/audit.ts";
import type { ChangeBus } from "./events.ts";
import { assertCanWriteActivity, requireActor, type Actor } from "../domain/permissions.ts";
import { loadActor } from "../store/users.ts";
import { MAX_EVIDENCE } from "../domain/progress/progress.ts";
import { loadScoringConfig } from "../store/scoring-config.ts";
import { wellFormed } from "../domain/text/well-formed.ts";
import { actsText, evidenceRuleFor, lacksEvidence, satisfiesRule } from "../domain/validation/evidence.ts";
import { UserError } from "../errors.ts";

/**
 * Evidence after the fact: whether a just-recorded completion still needs its act, and
 * attaching one to that report later ("Aggiungi evidenza"). Evidence is not part of the
 * derived state, so attaching it never changes progress; it is audited like any change.
 */

export interface EvidenceNeed {
  /** "determina, delibera, protocollo o link" */
  acts: string;
  /** The completion still scores without it (marked "senza evidenza"). */
  scoresWithout: boolean;
}

/** Null unless the activity is completed, its indicator kind needs evidence, and none of its live reports has one. */
export async function evidenceNeedFor(
  db: Db,
  activity: { year: number; code: string; targetKind: string },
  status: string,
): Promise<EvidenceNeed | null> {
  if (status !== "completata") return null;
  const { config } = await loadScoringConfig(db, activity.year);
  const rule = evidenceRuleFor(config.evidence, activity.targetKind);
  if (!rule) return null;
  const rows = await db.report.findMany({
    where: { planYear: activity.year, activityCode: activity.code, undoneAt: null, evidence: { not: null } },
    select: { evidence: true },
  });
  if (
    !lacksEvidence(
      config.evidence,
      activity.targetKind,
      status,
      rows.map((r) => r.evidence),
    )
  )
    return null;
  return { acts: actsText(rule.acts), scoresWithout: rule.scoresWithout };
}

export interface AttachEvidenceInput {
  reportId: number;
  userId: string;
  evidence: string;
  now: Date;
}

/** Attaches evidence to a report: who may update the activity (never the Nucleo), on a report not undone. */
export async function attachEvidence(
  db: Db,
  input: AttachEvidenceInput,
  changes?: ChangeBus,
): Promise<{ code: string; year: number; evidence: string }> {
  const text = wellFormed(input.evidence).trim();
  if (!text)
    throw new UserError({
      code: "evidence",
      reason: "evidence_missing",
      text: "Scrivi l'evidenza: il numero dell'atto (per esempio «Det. n. 245/2024») o un link.",
    });
  if (text.length > MAX_EVIDENCE)
    throw new UserError({
      code: "evidence",
      reason: "evidence_too_long",
      text: `L'evidenza è troppo lunga: il massimo è ${MAX_EVIDENCE} caratteri.`,
    });
  const actor = await evidenceWriter(db, input.userId);
  const result = await db.$transaction(async (tx) => {
    const { report, activity, rule } = await reportForEvidence(tx, actor, input.reportId);
    if (rule && !satisfiesRule(rule, [text])) {
      throw new UserError({
        code: "evidence",
        reason: "evidence_not_an_act",
        text: `«${text.length > 60 ? `${text.slice(0, 60)}…` : text}» non è un atto riconosciuto: per l'attività ${activity.code} serve ${actsText(rule.acts)}, per esempio «Det. n. 245/2024», «Delibera G.C. n. 30/2024», «Prot. n. 4521» o un link.`,
      });
    }
    const evidence = report.evidence ? `${report.evidence}; ${text}` : text;
    if (evidence.length > MAX_EVIDENCE)
      throw new UserError({
        code: "evidence",
        reason: "evidence_too_long",
        text: `Con questa aggiunta l'evidenza supererebbe i ${MAX_EVIDENCE} caratteri.`,
      });
    await tx.report.update({ where: { id: report.id }, data: { evidence } });
    await appendAudit(tx, {
      at: input.now,
      actor: actor.slackUserId,
      action: "report_evidence",
      entityType: "report",
      entityKey: `${report.planYear}:${report.activityCode}`,
      before: { reportId: report.id, evidence: report.evidence },
      after: { reportId: report.id, evidence },
    });
    return { code: report.activityCode, year: report.planYear, evidence };
  });
  changes?.emit({
    userId: actor.slackUserId,
    planYear: result.year,
    activityCode: result.code,
    kind: "report_evidence",
  });
  return result;
}

/** Before opening the evidence modal: who may add it, to which report, and what act is asked for. */
export async function evidenceTarget(
  db: Db,
  input: { reportId: number; userId: string },
): Promise<{ code: string; title: string; acts: string | null }> {
  const actor = await evidenceWriter(db, input.userId);
  const { activity, rule } = await reportForEvidence(db, actor, input.reportId);
  return { code: activity.code, title: activity.title, acts: rule ? actsText(rule.acts) : null };
}

/** Who may attach evidence: any registered user but the Nucleo, which only reads. */
async function evidenceWriter(db: Db, userId: string): Promise<Actor> {
  const actor = requireActor(await loadActor(db, userId), userId);
  if (actor.role === "nucleo") {
    throw new UserError({
      code: "evidence",
      reason: "forbidden",
      text: "Il Nucleo di Valutazione ha accesso in sola lettura: non può aggiungere evidenze alle segnalazioni.",
    });
  }
  return actor;
}

/** The report evidence is for, checked: it exists and stands, its activity is in the plan, the actor may write it. */
async function reportForEvidence(db: Db | Tx, actor: Actor, reportId: number) {
  const report = await db.report.findUnique({ where: { id: reportId } });
  if (!report)
    throw new UserError({
      code: "evidence",
      reason: "report_not_found",
      text: "Questa segnalazione non esiste più: aggiungi l'evidenza con «/obiettivo <codice>» (modulo).",
    });
  if (report.undoneAt)
    throw new UserError({
      code: "evidence",
      reason: "already_undone",
      text: "Questa segnalazione è stata annullata: l'evidenza va aggiunta a una segnalazione valida.",
    });
  const plan = await currentPlan(db, report.planYear);
  const activity = await activityByCanonicalCode(db, plan, report.activityCode);
  if (!activity)
    throw new UserError({
      code: "evidence",
      reason: "unknown_code",
      text: `L'attività ${report.activityCode} non è più nel piano ${report.planYear}.`,
    });
  assertCanWriteActivity(actor, { code: activity.code, areaCode: activity.areaCode });
  const { config } = await loadScoringConfig(db, report.planYear);
  return { report, activity, rule: evidenceRuleFor(config.evidence, activity.targetKind) };
}
