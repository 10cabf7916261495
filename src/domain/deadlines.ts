import type { Db } from "../db/client.ts";
import { UserError } from "../errors.ts";
import { appendAudit } from "./audit.ts";
import { activitiesByCode, activityByCanonicalCode } from "./activity-lookup.ts";
import { currentPlan } from "./plan-repo.ts";
import { formatItalianDate, parseItalianDate } from "./targets.ts";

/**
 * Sets by hand the deadline of an activity whose target names no date we can know
 * ("Entro termini di legge"), or corrects one. Stored apart from the plan, so it
 * survives re-imports; audited with the previous value.
 */
export async function setManualDeadline(
  db: Db,
  input: { year?: number; code: string; date: string; actor: string; now: Date; note?: string | null },
): Promise<{ code: string; deadline: string; previous: string | null; target: string }> {
  const plan = await currentPlan(db, input.year);
  const iso = parseItalianDate(input.date.trim(), plan.year);
  if (!iso) {
    throw new UserError("bad_date", `Data non valida: «${input.date}». Attesa una data come 31/12/2024, 2024-12-31 o «31 dicembre 2024».`);
  }
  // An admin tool: the canonical code (as `piano` prints it) wins; a printed code is a fallback.
  const code = input.code.trim();
  const exact = await activityByCanonicalCode(db, plan, code);
  const found = exact ? [exact] : await activitiesByCode(db, plan, code);
  if (found.length === 0) {
    throw new UserError("unknown_code", `Nessuna attività con codice «${input.code}» nel piano ${plan.year}. Usa «obiettivi piano» per vedere i codici.`);
  }
  if (found.length > 1) {
    throw new UserError(
      "ambiguous_code",
      `Il codice stampato «${input.code}» indica più attività: ${found.map((a) => `${a.code} (obiettivo ${a.objectiveCode})`).join(", ")}. Indica il codice univoco.`,
    );
  }
  const activity = found[0]!;
  // A date printed in the adopted document is a definition: moving it is a variation, with its act.
  const adopted = await db.activity.findFirst({ where: { planId: plan.id, code: activity.code }, select: { deadline: true } });
  if (adopted?.deadline) {
    throw new UserError(
      "deadline_is_variation",
      `L'attività ${activity.code} ha nel piano la scadenza ${formatItalianDate(adopted.deadline)} («${activity.targetText}»): cambiarla è una variazione del piano, approvata con un atto. ` +
        `Usa «obiettivi variazione --codice ${activity.code} --scadenza ${input.date.trim()} --atto "<atto>" --dal AAAA-MM-GG --motivo "<motivo>"», oppure aggiungi --atto e --dal a questo comando.`,
    );
  }
  const note = input.note?.trim() || null;
  return db.$transaction(async (tx) => {
    const previous = await tx.manualDeadline.findUnique({ where: { planYear_activityCode: { planYear: plan.year, activityCode: activity.code } } });
    await tx.manualDeadline.upsert({
      where: { planYear_activityCode: { planYear: plan.year, activityCode: activity.code } },
      create: { planYear: plan.year, activityCode: activity.code, deadline: iso, setBy: input.actor, setAt: input.now, note },
      update: { deadline: iso, setBy: input.actor, setAt: input.now, note },
    });
    await appendAudit(tx, {
      at: input.now,
      actor: input.actor,
      action: "manual_deadline",
      entityType: "activity",
      entityKey: `${plan.year}:${activity.code}`,
      before: { deadline: previous?.deadline ?? activity.deadline, ...(previous?.note ? { note: previous.note } : {}) },
      after: { deadline: iso, ...(note ? { note } : {}) },
    });
    return { code: activity.code, deadline: iso, previous: previous?.deadline ?? activity.deadline, target: activity.targetText };
  });
}
