import { stringify } from "csv-stringify/sync";
import { romeDay } from "../domain/calendar/days.ts";
import { itDate, itDecimal } from "../domain/text/italian.ts";
import type { Relazione, RelazioneActivity, RelazioneObjective, RelazioneSection } from "./relazione.ts";

/**
 * The Relazione as ONE table for Italian Excel (UTF-8 with BOM, ";" separators, comma
 * decimals): a "Livello" column tells activity, objective, area, Comune-wide, Comune and
 * head rows apart, so a filter in Excel gives any of the views.
 */

export const CSV_COLUMNS = [
  "Livello",
  "Sezione",
  "Area",
  "Responsabile",
  "Obiettivo",
  "Titolo obiettivo",
  "Peso %",
  "Attività",
  "Codice stampato",
  "Titolo attività",
  "Indicatore",
  "Indice",
  "Valore atteso",
  "Scadenza",
  "Scadenza impostata a mano",
  "Stato",
  "Valore raggiunto",
  "Data raggiungimento",
  "% raggiunta",
  "Esito valutazione",
  "Provvisoria",
  "Punti",
  "Punti massimi",
  "Regola",
  "Spiegazione",
  "Scostamento (punti %)",
  "Causa scostamento",
  "Spiegazione scostamento",
  "Azione correttiva",
  "Nuova data prevista",
  "Causa indicata da",
  "Causa indicata il",
  "Evidenze",
  "Ultima segnalazione di",
  "Ultima segnalazione il",
  "Senza evidenza",
  "Inserimenti tardivi",
  "Numeratore",
  "Denominatore",
  "Fonte del dato",
  "Esito del Nucleo",
  "Nota del Nucleo",
] as const;

export const MONITORING_CSV_COLUMNS = [
  "Livello",
  "Sezione",
  "Area",
  "Obiettivo",
  "Attività",
  "Titolo",
  "Scadenza",
  "Stato",
  "Attività totali",
  "Completate",
  "In corso",
  "Non iniziate",
  "Bloccate",
  "Scadute",
  "A rischio",
  "% provvisoria",
  "Motivo",
  "Proposta",
] as const;

type Row = Record<string, string>;

const num = (n: number | null | undefined, decimals = 2) => (n == null ? "" : itDecimal(n, decimals));
const day = (d: string | null | undefined) => (d ? itDate(d) : "");
const yesNo = (b: boolean) => (b ? "sì" : "no");

function sectionName(s: RelazioneSection): string {
  return s.kind === "ente" ? "Ente" : `Area ${s.code}`;
}

/** The columns that place a row: its section, area, head and objective. */
function objectiveColumns(s: RelazioneSection, o: RelazioneObjective): Row {
  return {
    Sezione: sectionName(s),
    Area: s.kind === "ente" ? "" : s.name,
    Responsabile: s.head ?? "",
    Obiettivo: o.code,
    "Titolo obiettivo": o.title,
    "Peso %": num(o.weight),
  };
}

function activityRow(s: RelazioneSection, o: RelazioneObjective, a: RelazioneActivity): Row {
  const d = a.deviation;
  return {
    Livello: "attività",
    ...objectiveColumns(s, o),
    Attività: a.code,
    "Codice stampato": a.printedCode,
    "Titolo attività": a.title,
    Indicatore: a.indicator,
    Indice: a.indicatorIndex ?? "",
    "Valore atteso": a.targetText,
    Scadenza: day(a.deadline),
    "Scadenza impostata a mano": yesNo(a.deadlineSource === "manuale"),
    Stato: a.statusLabel,
    "Valore raggiunto": a.achieved,
    "Data raggiungimento": day(a.achievedOn),
    "% raggiunta": num(a.percent),
    "Esito valutazione": a.scoreStateLabel,
    Provvisoria: yesNo(a.provisional),
    Regola: a.ruleLabel,
    Spiegazione: a.explanation,
    "Scostamento (punti %)": num(d?.gap ?? null),
    "Causa scostamento": d?.causeLabel ?? "",
    "Spiegazione scostamento": d?.explanation ?? "",
    "Azione correttiva": d?.correctiveAction ?? "",
    "Nuova data prevista": day(d?.newExpectedDate),
    "Causa indicata da": d?.by?.label ?? "",
    "Causa indicata il": d?.at ? itDate(romeDay(d.at)) : "",
    Evidenze: a.evidence.map((e) => `${e.text} (${e.by.label}, ${itDate(romeDay(e.at))})`).join(" | "),
    "Ultima segnalazione di": a.reportedBy?.label ?? "",
    "Ultima segnalazione il": a.reportedAt ? itDate(romeDay(a.reportedAt)) : "",
    "Senza evidenza": yesNo(a.withoutEvidence),
    "Inserimenti tardivi": a.lateEntries
      .map((l) => `dato del ${itDate(l.occurredOn)} inserito il ${itDate(romeDay(l.enteredAt))} (${l.by.label})`)
      .join(" | "),
    Numeratore: a.counts ? String(a.counts.numerator) : "",
    Denominatore: a.counts ? String(a.counts.denominator) : "",
    "Fonte del dato": a.counts?.source ?? "",
    "Esito del Nucleo": a.finding?.outcome ?? "",
    "Nota del Nucleo": a.finding?.note ?? "",
  };
}

function objectiveRow(s: RelazioneSection, o: RelazioneObjective): Row {
  return {
    Livello: "obiettivo",
    ...objectiveColumns(s, o),
    "% raggiunta": num(o.percent),
    "Esito valutazione":
      o.scoreState === "valutata"
        ? "valutato"
        : o.scoreState === "non_scaduta"
          ? "non ancora scaduto"
          : "non valutabile",
    Spiegazione: o.explanation,
  };
}

function sectionRow(s: RelazioneSection): Row {
  return {
    Livello: s.kind === "ente" ? "ente" : "area",
    Sezione: sectionName(s),
    Area: s.kind === "ente" ? s.name : s.name,
    Responsabile: s.head ?? "",
    "% raggiunta": num(s.percent),
    Punti: num(s.points),
    "Punti massimi": num(s.maxPoints),
    Spiegazione: s.explanation,
  };
}

/** Text typed by users (evidence, explanations) must not run as a formula when Excel opens the file. */
function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^-?\d+(,\d+)?$/.test(value) ? `'${value}` : value;
}

function toCsv(columns: readonly string[], rows: Row[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => defuse(r[c] ?? ""))),
    { header: true, columns: [...columns], delimiter: ";", bom: true, record_delimiter: "\r\n" },
  );
}

export function renderRelazioneCsv(r: Relazione): string {
  if (r.kind === "monitoraggio") return renderMonitoringCsv(r);
  const rows: Row[] = [];
  for (const s of [...r.sections, ...(r.comuneWide.objectives.length ? [r.comuneWide] : [])]) {
    rows.push(sectionRow(s));
    for (const o of s.objectives) {
      rows.push(objectiveRow(s, o));
      for (const a of o.activities) rows.push(activityRow(s, o, a));
    }
  }
  rows.push({
    Livello: "comune",
    Sezione: "Comune",
    Area: r.entity,
    "% raggiunta": num(r.overall.percent),
    Spiegazione: r.overall.explanation,
  });
  for (const h of r.heads) {
    for (const a of h.areas) {
      rows.push({
        Livello: "responsabile",
        Sezione: `Area ${a.code}`,
        Area: a.name,
        Responsabile: h.head,
        "% raggiunta": num(a.percent),
        Punti: num(a.points),
        "Punti massimi": num(h.maxPoints),
      });
    }
    if (h.areas.length > 1) {
      rows.push({
        Livello: "responsabile",
        Sezione: "Media",
        Responsabile: h.head,
        "% raggiunta": num(h.averagePercent),
        Punti: num(h.averagePoints),
        "Punti massimi": num(h.maxPoints),
        Spiegazione: h.explanation,
      });
    }
  }
  for (const v of r.variations) rows.push({ Livello: "variazione", Attività: v.code, Spiegazione: variationText(v) });
  return toCsv(CSV_COLUMNS, rows);
}

/** A "Variazioni intervenute" row in one cell: elemento, originario → variato, atto, data, motivazione. */
function variationText(v: Relazione["variations"][number]): string {
  return `${v.fieldLabel}: ${v.fromText} → ${v.toText}; ${v.act}; dal ${itDate(v.validFrom)}; motivazione: ${v.reason}`;
}

function renderMonitoringCsv(r: Relazione): string {
  const m = r.monitoring!;
  const rows: Row[] = [];
  const all = [...r.sections, ...(r.comuneWide.objectives.length ? [r.comuneWide] : [])];
  for (const s of all) {
    rows.push({
      Livello: s.kind === "ente" ? "ente" : "area",
      Sezione: sectionName(s),
      Area: s.name,
      "Attività totali": String(s.counts.activities),
      Completate: String(s.counts.completed),
      "In corso": String(s.counts.inProgress),
      "Non iniziate": String(s.counts.notStarted),
      Bloccate: String(s.counts.blocked),
      Scadute: String(s.counts.overdue),
      "A rischio": String(m.atRisk.filter((x) => x.sectionCode === s.code).length),
      "% provvisoria": num(s.percent),
    });
    for (const o of s.objectives) {
      rows.push({
        Livello: "obiettivo",
        Sezione: sectionName(s),
        Area: s.kind === "ente" ? "" : s.name,
        Obiettivo: o.code,
        Titolo: o.title,
        "% provvisoria": num(o.percent),
        Motivo: o.explanation,
      });
    }
  }
  for (const x of m.atRisk) {
    rows.push({
      Livello: "a rischio",
      Sezione: x.sectionCode === "ENTE" ? "Ente" : `Area ${x.sectionCode}`,
      Area: x.sectionName,
      Obiettivo: x.objectiveCode,
      Attività: x.code,
      Titolo: x.title,
      Scadenza: day(x.deadline),
      Stato: x.statusLabel,
      Motivo: x.reasons.join(" | "),
      Proposta: x.proposals.join(" | "),
    });
  }
  for (const v of r.variations) rows.push({ Livello: "variazione", Attività: v.code, Motivo: variationText(v) });
  return toCsv(MONITORING_CSV_COLUMNS, rows);
}
