import { itDate, itDateTime } from "../text/italian.ts";
import type { CheckId, CheckResult } from "./checks.ts";
import type { ValidationInput } from "./input.ts";
import type { ValidationPack } from "./pack.ts";

/**
 * The draft validation document (documento di validazione) as text: the three headings
 * published validations use, pre-filled with what the checks, the sample and the Nucleo's
 * findings say. The Nucleo edits it; renderers lay it out as Markdown or Word.
 */

export interface DocumentSection {
  heading: string;
  paragraphs: string[];
  bullets: string[];
}

export interface ValidationDocument {
  title: string;
  subtitle: string;
  intro: string[];
  sections: DocumentSection[];
}

/** Listing every code of a plan with hundreds of activities helps no reader. */
const MAX_ITEMS = 25;

function checkLines(check: CheckResult): string[] {
  const head = `${check.ok ? "Esito positivo" : "Da verificare"} — ${check.label}: ${check.summary}`;
  if (check.ok || check.id === "no_report") return [head];
  const items = check.items.filter((i) => i.code === null || check.codes.includes(i.code));
  const shown = items.slice(0, MAX_ITEMS).map((i) => `   · ${i.text}`);
  if (items.length > MAX_ITEMS)
    shown.push(`   · … e altre ${items.length - MAX_ITEMS} (elenco completo nella checklist)`);
  return [head, ...shown];
}

export function validationDocument(pack: Omit<ValidationPack, "document">, input: ValidationInput): ValidationDocument {
  const check = (id: CheckId) => pack.checks.find((c) => c.id === id)!;
  const bulletsOf = (...ids: CheckId[]) => ids.flatMap((id) => checkLines(check(id)));

  const outcomes = { conforme: 0, "non conforme": 0, nota: 0 };
  for (const s of pack.sample) if (s.outcome) outcomes[s.outcome] += 1;
  const pending = pack.sample.filter((s) => !s.outcome).length;
  const sampleLine = pack.sample.length
    ? `Il Nucleo ha estratto un campione di ${pack.sample.length} attività completate su ${pack.population} (seme «${pack.seed}»), verificandone le evidenze: ` +
      `${outcomes.conforme} conformi, ${outcomes["non conforme"]} non conformi, ${outcomes.nota} con osservazioni, ${pending} ancora da verificare.`
    : "Nessuna attività completata da cui estrarre un campione.";
  const sampleBullets = pack.sample.map((s) => {
    const verdict = s.outcome ? (s.outcome === "nota" ? "osservazione" : s.outcome) : "da verificare";
    const ev = s.evidence.length ? `evidenze: ${s.evidence.join("; ")}` : "nessuna evidenza";
    return `${s.code} ${s.title} — ${verdict}${s.note ? ` («${s.note}»)` : ""}; ${ev}`;
  });
  const otherFindings = pack.findings.filter((f) => !pack.sample.some((s) => s.code === f.code));

  // Percentages reported as a bare figure: a reader cannot tell what they measure.
  const kindByCode = new Map(input.activities.map((a) => [a.code, a.targetKind]));
  const lastPercent = new Map<string, ValidationPack["registro"][number]>();
  for (const r of pack.registro)
    if (!r.undone && r.kind === "percent" && kindByCode.get(r.code) === "percentage") lastPercent.set(r.code, r);
  const bare = [...lastPercent.values()].filter((r) => r.denominator === null);
  const withCounts = [...lastPercent.values()].filter((r) => r.denominator !== null);

  const conformity: DocumentSection = {
    heading: "Conformità",
    paragraphs: [
      `Il Nucleo ha verificato che la Relazione sulla performance ${pack.year} riporti tutte le attività del piano adottato, che le modifiche intervenute siano sostenute da un atto e che i risultati siano misurati secondo il Sistema di misurazione e valutazione (SMVP) in vigore per il periodo.`,
    ],
    bullets: bulletsOf(
      "missing_activity",
      "scoring_rules_after_period",
      "manual_deadline",
      "manual_evaluation",
      "unmeasurable_target",
    ),
  };
  const reliability: DocumentSection = {
    heading: "Attendibilità",
    paragraphs: [
      `Il Nucleo ha esaminato il registro dei dati (${pack.registro.length} segnalazioni, con data dichiarata, data di inserimento, autore ed evidenza) e le evidenze delle attività completate. Sono segnalati i dati inseriti più di ${pack.lateEntryDays} giorni dopo la data che dichiarano.`,
      sampleLine,
    ],
    bullets: [
      ...bulletsOf("completed_without_evidence", "late_entry", "undone_report", "no_report"),
      ...sampleBullets.map((b) => `Campione: ${b}`),
      ...otherFindings.map(
        (f) =>
          `Esito fuori campione: ${f.code}${f.title ? ` ${f.title}` : ""} — ${f.outcome}${f.note ? ` («${f.note}»)` : ""} (${f.recordedByLabel}, ${itDateTime(new Date(f.recordedAt))})`,
      ),
    ],
  };
  const understandability: DocumentSection = {
    heading: "Comprensibilità",
    paragraphs: [
      "Il Nucleo ha verificato che per ogni scostamento siano indicate le cause e che gli indicatori in percentuale riportino numeratore, denominatore e fonte del dato.",
    ],
    bullets: [
      ...bulletsOf("deviation_without_cause"),
      withCounts.length || bare.length
        ? `Indicatori in percentuale: ${withCounts.length} con numeratore, denominatore e fonte${bare.length ? `; ${bare.length} con la sola percentuale (${bare.map((r) => r.code).join(", ")})` : ""}.`
        : "Nessun indicatore in percentuale rendicontato.",
    ],
  };
  return {
    title: `Documento di validazione della Relazione sulla performance ${pack.year}`,
    subtitle: `${pack.entity} · bozza predisposta con i dati al ${itDate(pack.asOf)} · generata il ${itDateTime(new Date(pack.generatedAt))}`,
    intro: [
      "Il Nucleo di Valutazione, ai sensi dell'art. 14, comma 4, lettera c) del D.Lgs. 150/2009, ha esaminato la Relazione sulla performance secondo i criteri di conformità, attendibilità e comprensibilità. Questa bozza riporta gli esiti delle verifiche automatiche e del campione; il Nucleo la completa con le proprie valutazioni.",
    ],
    sections: [
      conformity,
      reliability,
      understandability,
      {
        heading: "Conclusioni",
        paragraphs: [
          "[Da completare a cura del Nucleo: validazione, validazione con rilievi, o mancata validazione, con le motivazioni.]",
        ],
        bullets: [],
      },
    ],
  };
}
