import { table } from "./markdown-table.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { itDate, itDateTime, itNumber, itPercent } from "../domain/text/italian.ts";
import type { HeadLine } from "../domain/scoring/scoring.ts";
import {
  validationFlags,
  type Relazione,
  type RelazioneActivity,
  type RelazioneObjective,
  type RelazioneSection,
} from "./relazione.ts";

/** The Relazione (or the monitoring report) as Markdown: readable as is, pasteable into a document. */
export function renderRelazioneMarkdown(r: Relazione): string {
  return (
    (r.kind === "monitoraggio" ? monitoringMarkdown(r) : relazioneMarkdown(r))
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

/** push(...lines) overflows the stack on a plan of 100,000 activities. */
function append(out: string[], lines: readonly string[]): void {
  for (const l of lines) out.push(l);
}

export const pctOrDash = (p: number | null, provisional = false) =>
  p == null ? "—" : `${itPercent(p, 1)}${provisional ? " (provv.)" : ""}`;
export const pointsOrDash = (p: number | null) => (p == null ? "—" : itNumber(p, 2));
export const weightText = (w: number | null) => (w == null ? "—" : `${itNumber(w)}%`);

function deadlineText(a: RelazioneActivity): string {
  if (!a.deadline) return "—";
  if (a.deadlineSource === "manuale") return `${itDate(a.deadline)} (a mano)`;
  if (a.deadlineSource === "variazione") return `${itDate(a.deadline)} (variata)`;
  return itDate(a.deadline);
}

function header(r: Relazione, title: string): string[] {
  const adopted = r.adopted.act ? ` · piano adottato con ${r.adopted.act}` : "";
  return [
    `# ${title} ${r.year} — ${r.entity}`,
    "",
    `Dati al ${itDate(r.asOf)} · ${r.configLabel}${adopted}`,
    "",
    `Generato il ${itDateTime(r.generatedAt)}`,
    "",
    ...(r.rules.warning ? [`> ${r.rules.warning}`, ""] : []),
  ];
}

/** "Variazioni intervenute": every change in force by the data date, with its act; removals as «stralciata». */
export function variationsBlock(r: Relazione): string[] {
  const out = ["## Variazioni intervenute", ""];
  if (!r.variations.length) return [...out, `Nessuna variazione del piano in vigore al ${itDate(r.asOf)}.`, ""];
  append(
    out,
    table(
      ["Codice", "Elemento", "Valore originario", "Valore variato", "Atto", "Data", "Motivazione"],
      r.variations.map((v) => [v.code, v.fieldLabel, v.fromText, v.toText, v.act, itDate(v.validFrom), v.reason]),
    ),
  );
  return out;
}

function summaryTable(r: Relazione): string[] {
  const rows = r.sections.map((s) => [
    `${s.code}. ${s.name}`,
    s.head ?? "—",
    String(s.objectives.length),
    String(s.counts.activities),
    String(s.counts.completed),
    String(s.counts.overdue),
    pctOrDash(s.percent),
    s.points == null ? "—" : `${pointsOrDash(s.points)} / ${itNumber(s.maxPoints)}`,
  ]);
  const e = r.comuneWide;
  if (e.objectives.length) {
    rows.push([
      e.name,
      "Tutti i responsabili",
      String(e.objectives.length),
      String(e.counts.activities),
      String(e.counts.completed),
      String(e.counts.overdue),
      pctOrDash(e.percent),
      e.points == null ? "—" : `${pointsOrDash(e.points)} / ${itNumber(e.maxPoints)}`,
    ]);
  }
  rows.push([
    `Comune (media delle aree)`,
    "",
    "",
    String(r.overall.counts.activities),
    String(r.overall.counts.completed),
    String(r.overall.counts.overdue),
    pctOrDash(r.overall.percent),
    "",
  ]);
  return table(
    ["Area", "Responsabile", "Obiettivi", "Attività", "Completate", "Scadute", "% raggiunta", "Punti"],
    rows,
  );
}

export function headRows(heads: HeadLine[]): string[][] {
  const rows: string[][] = [];
  for (const h of heads) {
    for (const a of h.areas)
      rows.push([
        h.head,
        `${a.code}. ${a.name}`,
        pctOrDash(a.percent),
        a.points == null ? "—" : `${pointsOrDash(a.points)} / ${itNumber(h.maxPoints)}`,
      ]);
    if (h.areas.length > 1)
      rows.push([
        h.head,
        "Media",
        pctOrDash(h.averagePercent),
        h.averagePoints == null ? "—" : `${pointsOrDash(h.averagePoints)} / ${itNumber(h.maxPoints)}`,
      ]);
  }
  return rows;
}

function objectiveBlock(o: RelazioneObjective, level: string, lateEntryDays: number): string[] {
  const out: string[] = [
    `${level} Obiettivo ${o.code} — ${o.title}`,
    "",
    `Peso ${weightText(o.weight)}${o.publicValue ? ` · valore pubblico: ${o.publicValue}` : ""} · risultato **${pctOrDash(o.percent)}** — ${o.explanation}`,
    "",
  ];
  if (!o.activities.length) return [...out, "Nessuna attività.", ""];
  append(
    out,
    table(
      ["Attività", "Indicatore", "Valore atteso", "Scadenza", "Stato", "Raggiunto", "Data", "%"],
      o.activities.map((a) => [
        `${a.code}${a.printedCode && a.printedCode !== a.code ? ` (stampata ${a.printedCode})` : ""} ${a.title}`,
        a.indicatorIndex ? `${a.indicator} (${a.indicatorIndex})` : a.indicator,
        a.targetText,
        deadlineText(a),
        a.statusLabel,
        a.achieved,
        a.achievedOn ? itDate(a.achievedOn) : "—",
        a.scoreState === "valutata" ? pctOrDash(a.percent, a.provisional) : a.scoreStateLabel,
      ]),
    ),
  );
  out.push("Valutazione:", "");
  for (const a of o.activities) out.push(`- ${a.code}: ${a.explanation}`);
  out.push("");
  const deviations = o.activities.filter((a) => a.deviation);
  if (deviations.length) {
    out.push("Scostamenti:", "");
    for (const a of deviations) {
      const d = a.deviation!;
      const parts = [
        `- ${a.code}${d.gap != null ? ` (scostamento ${itNumber(d.gap, 1)} punti percentuali)` : a.overdue ? ` (scaduta da ${a.daysLate} giorni)` : ""}: causa: ${d.causeLabel}`,
      ];
      if (d.explanation) parts.push(`spiegazione: ${d.explanation}`);
      if (d.correctiveAction) parts.push(`azione correttiva: ${d.correctiveAction}`);
      if (d.newExpectedDate) parts.push(`nuova data prevista: ${itDate(d.newExpectedDate)}`);
      if (d.by && d.at) parts.push(`indicata da ${d.by.label} il ${itDate(romeDay(d.at))}`);
      out.push(parts.join("; "));
    }
    out.push("");
  }
  const withEvidence = o.activities.filter((a) => a.evidence.length || a.reportedBy);
  if (withEvidence.length) {
    out.push("Evidenze e segnalazioni:", "");
    for (const a of withEvidence) {
      const ev = a.evidence.map((e) => `${e.text} (${e.by.label}, ${itDate(romeDay(e.at))})`);
      const last =
        a.reportedBy && a.reportedAt
          ? `ultima segnalazione di ${a.reportedBy.label} il ${itDate(romeDay(a.reportedAt))}`
          : null;
      const none = a.withoutEvidence ? "senza evidenza" : "nessuna evidenza";
      out.push(`- ${a.code}: ${[ev.length ? `evidenze: ${ev.join("; ")}` : none, last].filter(Boolean).join(" — ")}`);
    }
    out.push("");
  }
  const flagged = o.activities
    .map((a) => ({ a, flags: validationFlags(a, lateEntryDays) }))
    .filter((x) => x.flags.length);
  if (flagged.length) {
    out.push("Verifiche per il Nucleo di Valutazione:", "");
    for (const { a, flags } of flagged) out.push(`- ${a.code}: ${flags.join("; ")}`);
    out.push("");
  }
  return out;
}

function sectionBlock(s: RelazioneSection, lateEntryDays: number): string[] {
  const title = s.kind === "ente" ? s.name : `${s.code}. ${s.name}${s.head ? ` — Responsabile: ${s.head}` : ""}`;
  const out = [
    `## ${title}`,
    "",
    `Risultato: **${pctOrDash(s.percent)}**${s.points != null ? ` = **${pointsOrDash(s.points)} punti su ${itNumber(s.maxPoints)}**` : ""} — ${s.explanation}`,
    "",
    `Attività: ${s.counts.activities} · completate ${s.counts.completed} · in corso ${s.counts.inProgress} · non iniziate ${s.counts.notStarted} · bloccate ${s.counts.blocked} · scadute ${s.counts.overdue}`,
    "",
  ];
  for (const o of s.objectives) append(out, objectiveBlock(o, "###", lateEntryDays));
  return out;
}

function relazioneMarkdown(r: Relazione): string[] {
  const out = header(r, "Relazione sulla performance");
  out.push("## Riepilogo", "", ...summaryTable(r));
  out.push(`Comune: ${r.overall.explanation}`, "");
  out.push(
    "## Punti per responsabile",
    "",
    ...table(["Responsabile", "Area", "% raggiunta", "Punti"], headRows(r.heads)),
  );
  for (const h of r.heads.filter((x) => x.areas.length > 1)) out.push(`- ${h.head}: ${h.explanation}`);
  out.push("");
  for (const s of r.sections) append(out, sectionBlock(s, r.lateEntryDays));
  if (r.comuneWide.objectives.length) append(out, sectionBlock(r.comuneWide, r.lateEntryDays));
  append(out, variationsBlock(r));
  if (r.findings.length) {
    out.push("## Esiti del Nucleo di Valutazione", "");
    append(
      out,
      table(
        ["Attività", "Esito", "Nota", "Registrato da", "Il"],
        r.findings.map((f) => [`${f.code} ${f.title}`, f.outcome, f.note ?? "—", f.by.label, itDate(romeDay(f.at))]),
      ),
    );
  }
  return out;
}

function monitoringMarkdown(r: Relazione): string[] {
  const m = r.monitoring!;
  const out = header(r, "Monitoraggio intermedio");
  out.push(
    `Stato al ${itDate(r.asOf)}. Percentuali provvisorie: non contano le attività con una scadenza non ancora raggiunta; gli altri indicatori valgono per quanto registrato finora. «In scadenza» = entro ${m.dueWithinDays} giorni.`,
    "",
    "## Stato per area",
    "",
  );
  const atRiskBy = (code: string) => m.atRisk.filter((x) => x.sectionCode === code).length;
  const all = [...r.sections, ...(r.comuneWide.objectives.length ? [r.comuneWide] : [])];
  append(
    out,
    table(
      [
        "Area",
        "Attività",
        "Completate",
        "In corso",
        "Non iniziate",
        "Bloccate",
        "Scadute",
        "A rischio",
        "% provvisoria",
      ],
      all.map((s) => [
        s.kind === "ente" ? s.name : `${s.code}. ${s.name}`,
        String(s.counts.activities),
        String(s.counts.completed),
        String(s.counts.inProgress),
        String(s.counts.notStarted),
        String(s.counts.blocked),
        String(s.counts.overdue),
        String(atRiskBy(s.code)),
        pctOrDash(s.percent),
      ]),
    ),
  );
  out.push("## Obiettivi", "");
  append(
    out,
    table(
      ["Obiettivo", "Area", "Peso", "% provvisoria", "Dettaglio"],
      all.flatMap((s) =>
        s.objectives.map((o) => [
          `${o.code} ${o.title}`,
          s.kind === "ente" ? "Ente" : s.code,
          weightText(o.weight),
          pctOrDash(o.percent),
          o.explanation,
        ]),
      ),
    ),
  );
  out.push(`## Attività a rischio (${m.atRisk.length})`, "");
  if (!m.atRisk.length) out.push("Nessuna attività a rischio a questa data.", "");
  else {
    append(
      out,
      table(
        ["Area", "Attività", "Scadenza", "Stato", "Motivo", "Proposta"],
        m.atRisk.map((x) => [
          x.sectionCode === "ENTE" ? "Ente" : x.sectionCode,
          `${x.code} ${x.title}`,
          x.deadline ? itDate(x.deadline) : "—",
          x.statusLabel,
          x.reasons.join("; "),
          x.proposals.join("; "),
        ]),
      ),
    );
  }
  append(out, variationsBlock(r));
  return out;
}
