/**
 * The Excel template of a plan: sheet names, columns and the words of the instructions.
 * One definition read by the writer (`esporta-modello`, `esporta-piano --formato xlsx`)
 * and by the reader (`importa modello.xlsx`), so the two cannot drift apart.
 * Pure: no exceljs here.
 */
import type { TargetKind } from "../../domain/plan/targets.ts";

export const SHEET = {
  instructions: "Istruzioni",
  plan: "Piano",
  areas: "Aree",
  objectives: "Obiettivi",
  activities: "Attività",
  anomalies: "Anomalie",
  lists: "Elenchi",
} as const;

export interface TemplateColumn<K extends string = string> {
  key: K;
  header: string;
  /** Other headings accepted on import (older templates, a column renamed by hand). */
  synonyms?: readonly string[];
  required?: boolean;
  width: number;
  note: string;
}

const col = <K extends string>(c: TemplateColumn<K>) => c;

export const AREA_COLUMNS = [
  col({
    key: "code",
    header: "Codice area",
    synonyms: ["codice"],
    required: true,
    width: 14,
    note: "Codice breve e univoco dell'area, per esempio 03.",
  }),
  col({
    key: "name",
    header: "Nome dell'area",
    synonyms: ["area", "nome", "settore", "servizio"],
    required: true,
    width: 40,
    note: "Nome dell'area (settore, servizio, centro di responsabilità).",
  }),
  col({
    key: "head",
    header: "Responsabile",
    synonyms: ["titolare di e.q.", "titolare p.o."],
    width: 30,
    note: "Il responsabile dell'area (titolare di E.Q. o P.O.); può restare vuoto.",
  }),
] as const;

export const OBJECTIVE_COLUMNS = [
  col({
    key: "code",
    header: "Codice obiettivo",
    synonyms: ["codice", "obiettivo n."],
    required: true,
    width: 16,
    note: "Codice univoco dell'obiettivo, per esempio 3.1 (obiettivi di ente: E1, E2…).",
  }),
  col({
    key: "areaCode",
    header: "Codice area",
    synonyms: ["area"],
    width: 14,
    note: "Il codice di un'area del foglio Aree; vuoto per un obiettivo di ente (trasversale, comune a tutte le aree).",
  }),
  col({
    key: "title",
    header: "Titolo",
    synonyms: ["obiettivo", "titolo obiettivo"],
    required: true,
    width: 50,
    note: "Titolo dell'obiettivo.",
  }),
  col({ key: "description", header: "Descrizione", width: 50, note: "Descrizione (facoltativa)." }),
  col({
    key: "publicValue",
    header: "Valore pubblico",
    synonyms: ["collegamento al dup"],
    width: 40,
    note: "Valore pubblico o collegamento al DUP (facoltativo).",
  }),
  col({
    key: "weight",
    header: "Peso",
    synonyms: ["peso %", "peso (%)"],
    width: 10,
    note: "Peso dell'obiettivo, in % o in punti (numero); vuoto se il piano non lo dà.",
  }),
] as const;

export const ACTIVITY_COLUMNS = [
  col({
    key: "code",
    header: "Codice attività",
    synonyms: ["codice", "codice attivita"],
    required: true,
    width: 16,
    note: "Codice univoco dell'attività, per esempio 3.1.2.",
  }),
  col({
    key: "printedCode",
    header: "Codice stampato",
    width: 14,
    note: "Il codice come stampato nel documento, se diverso (facoltativo).",
  }),
  col({
    key: "objectiveCode",
    header: "Codice obiettivo",
    synonyms: ["obiettivo"],
    required: true,
    width: 16,
    note: "Il codice di un obiettivo del foglio Obiettivi.",
  }),
  col({
    key: "title",
    header: "Titolo",
    synonyms: ["attività", "attivita", "fase", "azione"],
    required: true,
    width: 50,
    note: "Titolo dell'attività (o della fase).",
  }),
  col({ key: "description", header: "Descrizione", width: 40, note: "Descrizione (facoltativa)." }),
  col({
    key: "indicatorName",
    header: "Indicatore",
    synonyms: ["indicatore di risultato"],
    width: 36,
    note: "Nome dell'indicatore.",
  }),
  col({
    key: "indicatorIndex",
    header: "Indice",
    synonyms: ["unità di misura"],
    width: 14,
    note: "Unità dell'indicatore: %, numero, giorni, tempo previsto… (facoltativo).",
  }),
  col({
    key: "targetText",
    header: "Valore atteso",
    synonyms: ["target", "valore obiettivo"],
    width: 30,
    note: "Il valore atteso come nel piano: «31/12/2024», «100%», «≥ 5», «sì»…",
  }),
  col({
    key: "kind",
    header: "Tipo di indicatore",
    synonyms: ["tipo"],
    width: 18,
    note: "Scegli dall'elenco; se vuoto si ricava dal valore atteso.",
  }),
  col({
    key: "deadline",
    header: "Scadenza",
    synonyms: ["termine", "tempi"],
    width: 14,
    note: "Data entro cui completare (gg/mm/aaaa); se vuota si ricava dal valore atteso.",
  }),
  col({
    key: "weight",
    header: "Peso",
    synonyms: ["peso della fase"],
    width: 10,
    note: "Peso della fase dentro il suo obiettivo (numero); vuoto se il piano non lo dà.",
  }),
  col({ key: "involved", header: "Personale coinvolto", width: 36, note: "Chi è coinvolto (facoltativo)." }),
  col({
    key: "involvesAllAreas",
    header: "Tutte le aree",
    width: 12,
    note: "«sì» se l'attività coinvolge tutte le aree (obiettivi di ente); altrimenti vuoto o «no».",
  }),
  col({
    key: "involvedAreaCodes",
    header: "Aree coinvolte",
    width: 18,
    note: "Codici delle aree coinvolte, separati da virgola, per esempio 01,03.",
  }),
  col({
    key: "manualDeadline",
    header: "Scadenza impostata a mano",
    width: 16,
    note: "Solo informativa (da «obiettivi scadenza»): non viene importata.",
  }),
] as const;

export const ANOMALY_COLUMNS = [
  col({
    key: "kind",
    header: "Tipo",
    required: true,
    width: 20,
    note: "Tipo di anomalia rilevata nel documento d'origine.",
  }),
  col({ key: "code", header: "Codice", width: 14, note: "Codice dell'attività o dell'obiettivo." }),
  col({ key: "message", header: "Messaggio", required: true, width: 80, note: "La descrizione dell'anomalia." }),
] as const;

export const PLAN_FIELDS = { year: "Anno", entity: "Ente" } as const;

/** Italian labels of the indicator kinds, in the order of the drop-down list. */
export const KIND_LABELS: readonly { kind: TargetKind; label: string }[] = [
  { kind: "deadline", label: "scadenza" },
  { kind: "percentage", label: "percentuale" },
  { kind: "count", label: "conteggio" },
  { kind: "boolean", label: "sì/no" },
  { kind: "amount", label: "importo" },
  { kind: "upper_bound", label: "limite massimo" },
  { kind: "text", label: "testo" },
];

export const YES_NO = ["sì", "no"] as const;

/** Rows that carry validation in an empty template (and after the last exported row). */
export const TEMPLATE_ROWS = 1000;

export const INSTRUCTIONS: readonly string[] = [
  "Modello per caricare il Piano della Performance in Obiettivi",
  "",
  "Compila i fogli in quest'ordine: Piano, Aree, Obiettivi, Attività. Poi importa il file con «obiettivi importa modello.xlsx» (prima, per controllare, «obiettivi importa modello.xlsx --anteprima»), oppure invialo al bot in un messaggio diretto su Slack.",
  "",
  "Piano: l'anno del piano (per esempio 2024) e il nome dell'ente (per esempio Comune di Leggiuno).",
  "Aree: una riga per area (settore, servizio, centro di responsabilità), con codice, nome e responsabile.",
  "Obiettivi: una riga per obiettivo. «Codice area» è il codice di un'area del foglio Aree; lascialo vuoto per gli obiettivi di ente (trasversali, performance organizzativa), che valgono per tutte le aree.",
  "Attività: una riga per attività (o fase), con il codice dell'obiettivo a cui appartiene, l'indicatore e il valore atteso.",
  "  «Valore atteso» si scrive come nel piano: una data («31/12/2024»), una percentuale («100%»), un numero («≥ 5»), «sì».",
  "  «Tipo di indicatore» e «Scadenza» sono facoltativi: se vuoti si ricavano dal valore atteso; se li compili valgono loro.",
  "  «Peso» è il peso della fase dentro il suo obiettivo; lascialo vuoto se il piano non lo prevede.",
  "Anomalie: compilato da Obiettivi quando esporta un piano letto da un documento; puoi lasciarlo vuoto.",
  "",
  "Regole",
  "  Ogni codice (area, obiettivo, attività) deve comparire una sola volta nel suo foglio.",
  "  L'ordine delle righe è l'ordine in cui il piano viene mostrato.",
  "  Le date si scrivono gg/mm/aaaa; i numeri con la virgola o con il punto.",
  "  Non rinominare i fogli né le intestazioni delle colonne (la prima riga di ogni foglio).",
  "  Se il file contiene un errore non viene importato nulla: il messaggio indica foglio, riga e colonna da correggere.",
  "",
  "Colonne",
];
