import { romeDay } from "../calendar/days.ts";
import { itDate, itDateTime, itDays, itPercent } from "../text/italian.ts";
import { actsText, entryDelayDays, evidenceRuleFor, lacksEvidence } from "./evidence.ts";
import type { RegistroReport, ValidationInput } from "./input.ts";
import { compareCodes } from "./sample.ts";

/**
 * The Nucleo's checklist: each check has a fixed id, a result and the activity codes
 * behind it (the codes that make it fail), plus one Italian line per finding. A check
 * is ok exactly when it names no code, except the SMVP date check, which names none.
 */

export const CHECK_IDS = [
  "missing_activity",
  "deviation_without_cause",
  "completed_without_evidence",
  "late_entry",
  "unmeasurable_target",
  "manual_deadline",
  "manual_evaluation",
  "scoring_rules_after_period",
  "undone_report",
  "no_report",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckItem {
  code: string | null;
  text: string;
}

export interface CheckResult {
  id: CheckId;
  ok: boolean;
  codes: string[];
  label: string;
  /** One sentence: what was checked and what was found. */
  summary: string;
  items: CheckItem[];
}

export const CHECK_LABELS: Record<CheckId, string> = {
  missing_activity: "Attività del piano adottato presenti, o tolte con un atto",
  deviation_without_cause: "Scostamenti senza causa indicata",
  completed_without_evidence: "Attività completate senza evidenza",
  late_entry: "Dati inseriti in ritardo rispetto alla data dichiarata",
  unmeasurable_target: "Valori attesi non misurabili non risolti",
  manual_deadline: "Scadenze impostate a mano: autore e atto",
  manual_evaluation: "Valutazioni manuali: autore e atto",
  scoring_rules_after_period: "Regole SMVP in vigore adottate entro la fine del periodo",
  undone_report: "Segnalazioni annullate",
  no_report: "Attività senza alcuna segnalazione nell'anno",
};

/** Whether a report was live (not undone) at the end of the day of the data. */
export function isUndone(r: RegistroReport): boolean {
  return r.undoneAt !== null;
}

export function personLabel(names: Record<string, string | null>, id: string | null): string {
  if (!id) return "—";
  const name = names[id];
  return name ? `${name} (${id})` : id;
}

function sorted(codes: Iterable<string>): string[] {
  return [...new Set(codes)].sort(compareCodes);
}

function result(
  id: CheckId,
  codes: string[],
  items: CheckItem[],
  summaryOk: string,
  summaryKo: string,
  ok = codes.length === 0,
): CheckResult {
  return { id, ok, codes, label: CHECK_LABELS[id], summary: ok ? summaryOk : summaryKo, items };
}

export function runChecks(input: ValidationInput): CheckResult[] {
  const { activities, reports, names } = input;
  const person = (id: string | null) => personLabel(names, id);
  const live = reports.filter((r) => !isUndone(r));
  const liveByCode = new Map<string, RegistroReport[]>();
  for (const r of live) {
    const list = liveByCode.get(r.code);
    if (list) list.push(r);
    else liveByCode.set(r.code, [r]);
  }
  const checks: CheckResult[] = [];

  // 1. The adopted plan, all there or removed by an act.
  {
    const missing = input.planActivities.filter((a) => a.removedOn !== null && !a.removalAct);
    const removedWithAct = input.planActivities.filter((a) => a.removedOn !== null && a.removalAct);
    const items: CheckItem[] = [
      ...missing.map((a) => ({
        code: a.code,
        text: `${a.code} ${a.title}: tolta dal piano il ${itDate(a.removedOn!)} senza un atto che lo approvi`,
      })),
      ...removedWithAct.map((a) => ({
        code: a.code,
        text: `${a.code} ${a.title}: stralciata il ${itDate(a.removedOn!)} con ${a.removalAct}`,
      })),
    ];
    const codes = sorted(missing.map((a) => a.code));
    checks.push(
      result(
        "missing_activity",
        codes,
        items,
        removedWithAct.length
          ? `Tutte le ${input.planActivities.length} attività del piano adottato sono presenti, o tolte con un atto (${removedWithAct.length} stralciate).`
          : `Tutte le ${input.planActivities.length} attività del piano adottato sono presenti.`,
        `${codes.length} attività del piano adottato mancano senza un atto che ne approvi lo stralcio: ${codes.join(", ")}.`,
      ),
    );
  }

  // 2. Deviations without a cause. Activities nobody reported on are the no_report check's.
  {
    const found = activities.filter(
      (a) => a.deviation && !a.deviationCause && (liveByCode.get(a.code)?.length ?? 0) > 0,
    );
    const codes = sorted(found.map((a) => a.code));
    checks.push(
      result(
        "deviation_without_cause",
        codes,
        found.map((a) => ({ code: a.code, text: `${a.code} ${a.title}: ${deviationText(a)}, nessuna causa indicata` })),
        "Ogni scostamento ha una causa indicata.",
        `${codes.length} scostamenti senza causa: ${codes.join(", ")}.`,
      ),
    );
  }

  // 3. Completions without the evidence the SMVP asks for.
  {
    const found = activities.filter((a) => lacksEvidence(input.evidenceRules, a.targetKind, a.status, a.evidence));
    const codes = sorted(found.map((a) => a.code));
    checks.push(
      result(
        "completed_without_evidence",
        codes,
        found.map((a) => {
          const rule = evidenceRuleFor(input.evidenceRules, a.targetKind)!;
          const had = a.evidence.length ? ` (indicato: ${a.evidence.join("; ")})` : "";
          return {
            code: a.code,
            text: `${a.code} ${a.title}: completata${a.completedOn ? ` il ${itDate(a.completedOn)}` : ""} senza evidenza (serve ${actsText(rule.acts)})${had}; ${rule.scoresWithout ? "conta comunque nel punteggio" : "non conta nel punteggio"}`,
          };
        }),
        "Ogni attività completata che lo richiede ha la sua evidenza.",
        `${codes.length} attività completate senza evidenza: ${codes.join(", ")}.`,
      ),
    );
  }

  // 4. Late entries.
  {
    const late = live.filter((r) => entryDelayDays(r.occurredOn, romeDay(r.createdAt)) > input.lateEntryDays);
    const codes = sorted(late.map((r) => r.code));
    checks.push(
      result(
        "late_entry",
        codes,
        late.map((r) => ({
          code: r.code,
          text: `${r.code}: dato del ${itDate(r.occurredOn)} inserito il ${itDateTime(r.createdAt)} da ${person(r.enteredBy ?? r.userId)} (${itDays(entryDelayDays(r.occurredOn, romeDay(r.createdAt)))} dopo)`,
        })),
        `Nessun dato inserito più di ${itDays(input.lateEntryDays)} dopo la data dichiarata.`,
        `${codes.length} attività con dati inseriti più di ${itDays(input.lateEntryDays)} dopo la data dichiarata: ${codes.join(", ")}.`,
      ),
    );
  }

  // 5. Targets the plan does not make measurable, still without a deadline or a manual evaluation.
  {
    const found = activities.filter((a) => a.scoreState === "non_valutabile");
    const codes = sorted(found.map((a) => a.code));
    checks.push(
      result(
        "unmeasurable_target",
        codes,
        found.map((a) => ({
          code: a.code,
          text: `${a.code} ${a.title}: valore atteso «${a.targetText}» non misurabile, senza scadenza a mano né valutazione manuale`,
        })),
        "Nessun valore atteso non misurabile è rimasto senza soluzione.",
        `${codes.length} valori attesi non misurabili non risolti: ${codes.join(", ")}.`,
      ),
    );
  }

  // 6. Hand-set deadlines, with author and act.
  {
    const withoutAct = input.manualDeadlines.filter((m) => !m.act);
    const codes = sorted(withoutAct.map((m) => m.code));
    checks.push(
      result(
        "manual_deadline",
        codes,
        input.manualDeadlines.map((m) => ({
          code: m.code,
          text: `${m.code}: scadenza ${itDate(m.deadline)} impostata da ${person(m.setBy)} il ${itDateTime(m.setAt)}; atto: ${m.act ?? "nessuno"}${m.note ? `; nota: ${m.note}` : ""}`,
        })),
        input.manualDeadlines.length
          ? `${input.manualDeadlines.length} scadenze impostate a mano, tutte con un atto.`
          : "Nessuna scadenza impostata a mano.",
        `${codes.length} scadenze impostate a mano senza un atto: ${codes.join(", ")}.`,
      ),
    );
  }

  // 7. Manual evaluations (SMVP configuration), with author and act.
  {
    const withoutAct = input.manualEvaluations.filter((m) => !m.act);
    const codes = sorted(withoutAct.map((m) => m.code));
    checks.push(
      result(
        "manual_evaluation",
        codes,
        input.manualEvaluations.map((m) => ({
          code: m.code,
          text: `${m.code}: valutata a mano ${itPercent(m.percent, 2)} (${m.reason}) da ${person(m.setBy)}; atto: ${m.act ?? "nessuno"}`,
        })),
        input.manualEvaluations.length
          ? `${input.manualEvaluations.length} valutazioni manuali, tutte con un atto.`
          : "Nessuna valutazione manuale.",
        `${codes.length} valutazioni manuali senza un atto: ${codes.join(", ")}.`,
      ),
    );
  }

  // 8. The SMVP version in force against the end of the period.
  {
    const r = input.rules;
    // The day the rules were fixed, not the day they claim to apply from: a version made
    // after the period and backdated is still rules written once the results were known.
    const day = r.createdAt ? romeDay(r.createdAt) : r.validFrom;
    const after = day !== null && day > input.periodEnd;
    const what =
      r.version === null
        ? "configurazione SMVP predefinita"
        : `configurazione SMVP ${input.year} versione ${r.version}`;
    const items: CheckItem[] = [
      {
        code: null,
        text: `${what}${day ? ` del ${itDate(day)}` : ""}${r.validFrom ? `, in vigore dal ${itDate(r.validFrom)}` : ""}${r.createdBy ? `, impostata da ${person(r.createdBy)}` : ""}${r.act ? `, atto: ${r.act}` : ""}; fine del periodo ${itDate(input.periodEnd)}`,
      },
    ];
    checks.push(
      result(
        "scoring_rules_after_period",
        [],
        items,
        r.version === null
          ? `Si applica la ${what}: nessuna regola adottata dopo la fine del periodo.`
          : `La ${what} è del ${itDate(day!)}, entro la fine del periodo (${itDate(input.periodEnd)}).`,
        `La ${what} è del ${itDate(day ?? input.periodEnd)}, dopo la fine del periodo (${itDate(input.periodEnd)}): le regole di punteggio sono state fissate a risultati noti.`,
        !after,
      ),
    );
  }

  // 9. Undone reports.
  {
    const undone = reports.filter(isUndone);
    const codes = sorted(undone.map((r) => r.code));
    checks.push(
      result(
        "undone_report",
        codes,
        undone.map((r) => ({
          code: r.code,
          text: `${r.code}: segnalazione del ${itDateTime(r.createdAt)} di ${person(r.enteredBy ?? r.userId)} annullata il ${itDateTime(r.undoneAt!)} da ${person(r.undoneBy)}`,
        })),
        "Nessuna segnalazione annullata.",
        `${undone.length} segnalazioni annullate su ${codes.length} attività: ${codes.join(", ")}.`,
      ),
    );
  }

  // 10. Activities with no report all year.
  {
    const found = activities.filter((a) => !liveByCode.has(a.code));
    const codes = sorted(found.map((a) => a.code));
    checks.push(
      result(
        "no_report",
        codes,
        found.map((a) => ({ code: a.code, text: `${a.code} ${a.title}: nessuna segnalazione` })),
        "Ogni attività ha almeno una segnalazione.",
        `${codes.length} attività su ${activities.length} senza alcuna segnalazione nell'anno.`,
      ),
    );
  }
  return checks;
}

function deviationText(a: ValidationInput["activities"][number]): string {
  if (a.status === "bloccata") return "bloccata";
  if (a.scoreState === "valutata" && a.percent !== null && a.percent < 100)
    return `raggiunta al ${itPercent(a.percent, 1)}`;
  return a.deadline ? `scaduta il ${itDate(a.deadline)} e non completata` : "scostamento dal valore atteso";
}
