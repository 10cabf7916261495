import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { parseItalianDate, parseTarget } from "../domain/plan/targets.ts";
import type { StoredPlan } from "../store/stored-plan.ts";
import { UserError } from "../errors.ts";
import type { ParsedPlan } from "./parse-piao.ts";

/**
 * The plan as a CSV for Italian Excel (UTF-8 with BOM, ";" separators), one row per
 * area, objective, activity and anomaly. Importing it back gives the same plan: targets
 * are re-read from "valore_atteso", so an edit made in Excel is parsed like the document.
 */
const COLUMNS = [
  "tipo",
  "anno",
  "ente",
  "codice_area",
  "area",
  "responsabile",
  "codice_obiettivo",
  "titolo_obiettivo",
  "descrizione_obiettivo",
  "valore_pubblico",
  "peso",
  "codice_attivita",
  "codice_stampato",
  "titolo_attivita",
  "descrizione_attivita",
  "indicatore",
  "indice",
  "valore_atteso",
  "scadenza",
  "personale_coinvolto",
  "tutte_eq",
  "aree_coinvolte",
  "posizione",
  "tipo_anomalia",
  "messaggio",
  "scadenza_manuale",
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string>>;
/** Columns a CSV written before them lacks («scadenza_manuale» is informative, never read). */
const OPTIONAL: ReadonlySet<Column> = new Set(["scadenza", "scadenza_manuale"]);

const ROW_KINDS = { area: "area", objective: "obiettivo", activity: "attivita", anomaly: "anomalia" } as const;

export function looksLikePlanCsv(text: string): boolean {
  return /^"?tipo"?;"?anno"?;"?ente"?/.test(text.replace(/^\uFEFF/, ""));
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n).replace(".", ","));

/**
 * The plan (as in force on a day, or as adopted: the caller chooses, see loadPlanInForceAsDocument)
 * as CSV. An activity row carries its weight in «peso», and in «scadenza» the deadline when
 * it is not the one «valore_atteso» gives (a variation moved it): re-reading the text alone
 * would lose it.
 */
export function exportPlanCsv({ plan, manualDeadlines }: StoredPlan): string {
  const common = { anno: String(plan.year), ente: plan.entity };
  const rows: Row[] = [];
  for (const a of plan.areas) {
    rows.push({
      tipo: ROW_KINDS.area,
      ...common,
      codice_area: a.code,
      area: a.name,
      responsabile: a.head ?? "",
      posizione: String(a.position),
    });
  }
  const areaByCode = new Map(plan.areas.map((a) => [a.code, a]));
  const objectiveByCode = new Map(plan.objectives.map((o) => [o.code, o]));
  // The columns that place a row under its area and objective (repeated, so Excel can filter).
  const placeOf = (o: (typeof plan.objectives)[number]): Row => ({
    ...common,
    codice_area: o.areaCode ?? "",
    area: (o.areaCode !== null && areaByCode.get(o.areaCode)?.name) || "",
    codice_obiettivo: o.code,
    titolo_obiettivo: o.title,
  });
  for (const o of plan.objectives) {
    rows.push({
      tipo: ROW_KINDS.objective,
      ...placeOf(o),
      descrizione_obiettivo: o.description,
      valore_pubblico: o.publicValue,
      peso: num(o.weight),
      posizione: String(o.position),
    });
  }
  for (const a of plan.activities) {
    const o = objectiveByCode.get(a.objectiveCode);
    if (!o) continue; // its objective is not in the plan: neither is the activity, for the reader
    const fromText = parseTarget(a.targetText, {
      indice: a.indicatorIndex ?? undefined,
      indicator: a.indicatorName,
      year: plan.year,
    }).deadline;
    rows.push({
      tipo: ROW_KINDS.activity,
      ...placeOf(o),
      peso: num(a.weight),
      codice_attivita: a.code,
      codice_stampato: a.printedCode,
      titolo_attivita: a.title,
      descrizione_attivita: a.description,
      indicatore: a.indicatorName,
      indice: a.indicatorIndex ?? "",
      valore_atteso: a.targetText,
      scadenza: a.target.deadline && a.target.deadline !== fromText ? a.target.deadline : "",
      personale_coinvolto: a.involved ?? "",
      tutte_eq: a.involvesAllAreas ? "si" : "",
      aree_coinvolte: a.involvedAreaCodes.join(","),
      posizione: String(a.position),
      scadenza_manuale: manualDeadlines.get(a.code) ?? "",
    });
  }
  for (const an of plan.anomalies) {
    rows.push({
      tipo: ROW_KINDS.anomaly,
      ...common,
      codice_attivita: an.code,
      tipo_anomalia: an.kind,
      messaggio: an.message,
    });
  }
  return stringify(
    rows.map((r) => COLUMNS.map((c) => r[c] ?? "")),
    { header: true, columns: [...COLUMNS], delimiter: ";", bom: true, record_delimiter: "\r\n" },
  );
}

export function parsePlanCsv(text: string, sourceName: string): ParsedPlan {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: true,
      delimiter: ";",
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (e) {
    throw new UserError({
      code: "csv_invalid",
      detail: `Il CSV del piano non è leggibile (${(e as Error).message.split("\n")[0]}). Atteso il formato scritto da «obiettivi esporta-piano --csv»: separatore «;», prima riga con i nomi delle colonne.`,
    });
  }
  const missing = COLUMNS.filter((c) => !OPTIONAL.has(c) && records.length > 0 && !(c in records[0]!));
  if (records.length === 0 || missing.length) {
    throw new UserError({
      code: "csv_invalid",
      detail:
        records.length === 0
          ? "Il CSV del piano non contiene righe. Atteso il formato scritto da «obiettivi esporta-piano --csv»."
          : `Il CSV del piano non ha le colonne ${missing.join(", ")}. Atteso il formato scritto da «obiettivi esporta-piano --csv».`,
    });
  }
  const first = records[0]!;
  const year = Number(first.anno);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw new UserError({
      code: "csv_invalid",
      detail: `Anno non valido nel CSV: «${first.anno}». Atteso un anno come 2024 nella colonna «anno».`,
    });
  }
  const plan: ParsedPlan = {
    year,
    entity: first.ente ?? "",
    sourceName,
    areas: [],
    objectives: [],
    activities: [],
    anomalies: [],
  };
  const intOf = (v: string | undefined, line: number) => {
    const n = Number(v);
    if (!Number.isInteger(n))
      throw new UserError({
        code: "csv_invalid",
        detail: `Riga ${line}: «posizione» deve essere un numero intero, trovato «${v ?? ""}».`,
      });
    return n;
  };
  const weightOf = (v: string | undefined, line: number) => {
    const weight = v ? Number(v.replace(",", ".")) : null;
    if (weight !== null && !Number.isFinite(weight))
      throw new UserError({
        code: "csv_invalid",
        detail: `Riga ${line}: «peso» deve essere un numero, trovato «${v}».`,
      });
    return weight;
  };
  records.forEach((r, i) => {
    const line = i + 2;
    switch (r.tipo) {
      case ROW_KINDS.area:
        plan.areas.push({
          code: r.codice_area ?? "",
          name: r.area ?? "",
          head: r.responsabile || null,
          position: intOf(r.posizione, line),
        });
        break;
      case ROW_KINDS.objective: {
        const weight = weightOf(r.peso, line);
        plan.objectives.push({
          code: r.codice_obiettivo ?? "",
          areaCode: r.codice_area || null,
          title: r.titolo_obiettivo ?? "",
          description: r.descrizione_obiettivo ?? "",
          publicValue: r.valore_pubblico ?? "",
          weight,
          position: intOf(r.posizione, line),
        });
        break;
      }
      case ROW_KINDS.activity: {
        const target = parseTarget(r.valore_atteso ?? "", {
          indice: r.indice || undefined,
          indicator: r.indicatore,
          year,
        });
        if (r.scadenza) {
          const iso = parseItalianDate(r.scadenza, year);
          if (!iso)
            throw new UserError({
              code: "csv_invalid",
              detail: `Riga ${line}: «scadenza» deve essere una data come 2024-12-31 o 31/12/2024, trovato «${r.scadenza}».`,
            });
          target.deadline = iso;
          target.needsManualDate = false;
        }
        plan.activities.push({
          code: r.codice_attivita ?? "",
          printedCode: r.codice_stampato ?? "",
          objectiveCode: r.codice_obiettivo ?? "",
          title: r.titolo_attivita ?? "",
          description: r.descrizione_attivita ?? "",
          indicatorName: r.indicatore ?? "",
          indicatorIndex: r.indice || null,
          targetText: r.valore_atteso ?? "",
          involved: r.personale_coinvolto || null,
          involvesAllAreas: r.tutte_eq === "si",
          involvedAreaCodes: r.aree_coinvolte ? r.aree_coinvolte.split(",") : [],
          position: intOf(r.posizione, line),
          target,
          weight: weightOf(r.peso, line),
        });
        break;
      }
      case ROW_KINDS.anomaly:
        plan.anomalies.push({ kind: r.tipo_anomalia ?? "", code: r.codice_attivita ?? "", message: r.messaggio ?? "" });
        break;
      default:
        throw new UserError({
          code: "csv_invalid",
          detail: `Riga ${line}: tipo «${r.tipo ?? ""}» sconosciuto. Attesi: area, obiettivo, attivita, anomalia.`,
        });
    }
  });
  const missingCode = plan.activities.find((a) => !a.code) ?? plan.objectives.find((o) => !o.code);
  if (missingCode)
    throw new UserError({
      code: "csv_invalid",
      detail: "Nel CSV c'è una riga senza codice (colonna «codice_attivita» o «codice_obiettivo»).",
    });
  return plan;
}
