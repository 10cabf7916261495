import { BEHAVIOUR_TEXT } from "./behaviour-modal.ts";
import type { HomeView, KnownBlock } from "@slack/types";
import type { Role } from "../../domain/permissions.ts";
import { errorText, HOW_TO_BE_ADDED } from "../../messages/errors.ts";
import type { AreaScoreLine, HomeData, OpenActivity } from "../../app/home.ts";
import { itDate, itDays, itNumber, itPercent } from "../../domain/text/italian.ts";
import { STATUS_LABELS, statusLabel } from "../../domain/progress/progress.ts";
import { canImportPlan } from "../../domain/plan/import-permission.ts";
import { ACTION, type ActivityButtonValue } from "./ids.ts";
import { PLAN_IMPORT_TEXT } from "./plan-import.ts";
import { actions, button, clip, context, escapeMrkdwn, section } from "./message.ts";
import { noticeSettingsBlocks } from "./notice-settings.ts";

/** Every word the App Home says, in one place. */
export const HOME_TEXT = {
  title: "Obiettivi",
  /** The refusal an export request gets (the catalogue's text, shown the same way). */
  exportRefused: errorText({ code: "export_refused" }, "slack"),
  unknown: (userId: string) => `Non sei ancora abilitato a usare Obiettivi (utente ${userId}).\n\n${HOW_TO_BE_ADDED}`,
  noPlan: "Nessun piano caricato. Il Segretario o l'amministratore lo importa con: npx obiettivi importa <file>",
  roleLine: (role: Role, areas: string[]) =>
    role === "nucleo"
      ? "Nucleo di Valutazione: accesso in sola lettura a tutte le aree."
      : role === "segretario"
        ? "Segretario Comunale: vedi e aggiorni tutte le aree."
        : role === "admin"
          ? "Amministratore: vedi e aggiorni tutte le aree."
          : `${role === "responsabile" ? "Responsabile" : "Dipendente"} ${areas.length === 1 ? "dell'area" : "delle aree"} ${areas.join(", ")}.`,
  ownHeader: "Le tue attività aperte",
  ownNone: "Nessuna attività aperta per le tue aree: tutto completato. 👏",
  ownMore: (shown: number, total: number) =>
    `Sono mostrate le prime ${shown} di ${total} attività aperte, per scadenza. Per le altre usa /obiettivo oppure /stato.`,
  complete: "Segna completata",
  update: "Aggiorna",
  noDeadline: "senza scadenza",
  due: (deadline: string, daysLeft: number) =>
    daysLeft < 0
      ? `scaduta il ${itDate(deadline)} (${itDays(-daysLeft)} fa)`
      : daysLeft === 0
        ? `scade oggi (${itDate(deadline)})`
        : `scade il ${itDate(deadline)} (tra ${itDays(daysLeft)})`,
  comuneWide: "ente",
  overviewHeader: "Punteggio per area",
  variationsHeader: "Variazioni del piano",
  variationLine: (v: { act: string; validFrom: string; reason: string; lines: string[]; inForce: boolean }) =>
    `${v.act}, dal ${itDate(v.validFrom)}${v.inForce ? "" : " (non ancora in vigore)"}: ${v.lines.join("; ")}${v.reason ? ` — ${v.reason}` : ""}`,
  yourAreasHeader: "Il punteggio della tua area",
  overviewNote: (today: string) =>
    `Valutazione al ${itDate(today)} secondo la configurazione SMVP; durante l'anno è provvisoria: non contano le attività con una scadenza non ancora raggiunta.`,
  areaLine: (a: AreaScoreLine) =>
    `*${escapeMrkdwn(a.code === "ENTE" ? a.name : `${a.code}. ${a.name}`)}*${a.head ? ` — ${escapeMrkdwn(a.head)}` : ""}\n` +
    `${a.percent == null ? "non ancora valutabile" : `${itPercent(a.percent, 1)} · ${itNumber(a.points ?? 0, 2)} punti su ${itNumber(a.maxPoints)}`}` +
    ` · ${a.overdue === 0 ? "nessuna scaduta" : a.overdue === 1 ? "1 scaduta" : `${a.overdue} scadute`} · ${a.completed}/${a.activities} completate`,
  overall: (p: number | null) =>
    `*Comune (media delle aree):* ${p == null ? "non ancora valutabile" : itPercent(p, 1)}`,
  readOnly:
    "Sola lettura: il Nucleo di Valutazione non registra avanzamenti (registra solo gli esiti della verifica a campione).",
  exportButton: "Esporta Relazione",
  exportDocxButton: "Esporta in Word",
  exportHint:
    "Ricevi in un messaggio diretto la Relazione sulla performance in Excel, o in Word con i capitoli, le schede e i grafici, con i dati di oggi.",
  exportDone: (year: number, today: string, format: "xlsx" | "docx" = "xlsx") =>
    format === "docx"
      ? `Ecco la Relazione sulla performance ${year} in Word, con i dati al ${itDate(today)}: i capitoli da completare, le schede di valutazione e i grafici.`
      : `Ecco la Relazione sulla performance ${year}, con i dati al ${itDate(today)}: un foglio di riepilogo, uno per area e uno per gli obiettivi dell'ente.`,
  exportQueued:
    "La Relazione è in preparazione: un'altra esportazione è in corso. Te la mando qui appena è pronta, non serve richiederla.",
  exportTitle: (year: number, today: string) => `Relazione sulla performance ${year} al ${itDate(today)}`,
  exportFilename: (year: number, today: string, format: "xlsx" | "docx" = "xlsx") =>
    `relazione-performance-${year}-al-${today}.${format}`,
} as const;

export interface ExportButtonValue {
  year: number;
}

/** The other documents App Home sends in a DM: the scorecards and the validation pack. */
export const DOCUMENT_TEXT = {
  hint: "Le schede di valutazione dei Responsabili e il fascicolo di validazione del Nucleo (checklist, registro dei dati, campione da verificare, bozza del documento), in Word o in Excel, con i dati di oggi.",
  schedeDocxButton: "Schede di valutazione (Word)",
  schedeXlsxButton: "Schede (Excel)",
  validazioneDocxButton: "Fascicolo di validazione (Word)",
  validazioneXlsxButton: "Fascicolo (Excel)",
  queued: {
    relazione: HOME_TEXT.exportQueued,
    schede:
      "Le schede di valutazione sono in preparazione: un'altra esportazione è in corso. Te le mando qui appena sono pronte, non serve richiederle.",
    validazione:
      "Il fascicolo di validazione è in preparazione: un'altra esportazione è in corso. Te lo mando qui appena è pronto, non serve richiederlo.",
  },
  schedeTitle: (year: number, today: string) => `Schede di valutazione ${year} al ${itDate(today)}`,
  schedeDone: (year: number, today: string) =>
    `Ecco le schede di valutazione ${year} dei Responsabili, con i dati al ${itDate(today)}: obiettivi individuali, performance organizzativa e comportamenti, con le righe per la firma e la presa visione.`,
  validazioneTitle: (year: number, today: string) => `Fascicolo di validazione ${year} al ${itDate(today)}`,
  validazioneDone: (year: number, today: string, sample: { seed: string; drawn: boolean }) =>
    `Ecco il fascicolo di validazione ${year}, con i dati al ${itDate(today)}: checklist, registro dei dati, ${
      sample.drawn ? "campione da verificare estratto ora" : "il campione che stai verificando"
    } (seme «${sample.seed}») e bozza del documento di validazione.`,
} as const;

function activityBlocks(a: OpenActivity): KnownBlock[] {
  const where = a.areaCode === null ? ` · ${HOME_TEXT.comuneWide}` : "";
  const due = a.deadline && a.daysLeft !== null ? HOME_TEXT.due(a.deadline, a.daysLeft) : HOME_TEXT.noDeadline;
  const status = a.status ? statusLabel(a.status) : STATUS_LABELS.non_iniziata;
  const mark = a.daysLeft !== null && a.daysLeft < 0 ? "🔴 " : "";
  const blocks: KnownBlock[] = [
    section(
      `${mark}*${escapeMrkdwn(a.code)}* ${escapeMrkdwn(clip(a.title, 150))}\n${due} · ${status} · atteso: ${escapeMrkdwn(clip(a.targetText, 80))}${where}`,
    ),
  ];
  if (a.canWrite) {
    const value: ActivityButtonValue = { year: a.year, code: a.code };
    blocks.push(
      actions(
        [
          button(HOME_TEXT.complete, ACTION.activityComplete, value, "primary"),
          button(HOME_TEXT.update, ACTION.activityUpdate, value),
        ],
        `home_activity_${a.code}`,
      ),
    );
  }
  return blocks;
}

/** Segretario and admin: how to load the plan from Slack (a DM with the instructions and the Excel template). */
function planImportBlocks(): KnownBlock[] {
  return [
    { type: "divider" },
    section(PLAN_IMPORT_TEXT.homeHint),
    actions([button(PLAN_IMPORT_TEXT.homeButton, ACTION.planImportHelp, {})], "home_plan_import"),
  ];
}

/** The App Home view for one person (Block Kit, type "home"). */
export function homeView(
  data: HomeData,
  opts: { validation?: readonly KnownBlock[]; reminderDays?: readonly number[] } = {},
): HomeView {
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: HOME_TEXT.title } }];
  if (data.kind === "unknown") {
    blocks.push(section(escapeMrkdwn(HOME_TEXT.unknown(data.userId))));
    return { type: "home", blocks };
  }
  if (data.kind === "no_plan") {
    blocks.push(section(escapeMrkdwn(HOME_TEXT.noPlan)));
    if (canImportPlan(data.actor)) blocks.push(...planImportBlocks());
    return { type: "home", blocks };
  }
  blocks.push(
    context(
      `${escapeMrkdwn(data.entity)} · Piano ${data.year} · ${escapeMrkdwn(HOME_TEXT.roleLine(data.actor.role, data.actor.areaCodes))}`,
    ),
  );

  if (data.overview) {
    const mine = data.overview.comuneWide === null && data.overview.overallPercent === null;
    blocks.push({ type: "divider" }, section(`*${mine ? HOME_TEXT.yourAreasHeader : HOME_TEXT.overviewHeader}*`));
    for (const a of data.overview.areas) blocks.push(section(HOME_TEXT.areaLine(a)));
    if (data.overview.comuneWide) blocks.push(section(HOME_TEXT.areaLine(data.overview.comuneWide)));
    if (!mine) blocks.push(section(HOME_TEXT.overall(data.overview.overallPercent)));
    blocks.push(context(HOME_TEXT.overviewNote(data.today)));
  }

  if (data.variations?.length) {
    blocks.push({ type: "divider" }, section(`*${HOME_TEXT.variationsHeader}*`));
    for (const v of data.variations) blocks.push(section(escapeMrkdwn(HOME_TEXT.variationLine(v))));
  }

  if (data.canExport) {
    blocks.push(
      { type: "divider" },
      section(HOME_TEXT.exportHint),
      actions(
        [
          button(
            HOME_TEXT.exportButton,
            ACTION.exportRelazione,
            { year: data.year } satisfies ExportButtonValue,
            "primary",
          ),
          button(HOME_TEXT.exportDocxButton, ACTION.exportRelazioneDocx, {
            year: data.year,
          } satisfies ExportButtonValue),
        ],
        "home_export",
      ),
      section(DOCUMENT_TEXT.hint),
      actions(
        (
          [
            [DOCUMENT_TEXT.schedeDocxButton, ACTION.exportSchedeDocx],
            [DOCUMENT_TEXT.schedeXlsxButton, ACTION.exportSchedeXlsx],
            [DOCUMENT_TEXT.validazioneDocxButton, ACTION.exportValidazioneDocx],
            [DOCUMENT_TEXT.validazioneXlsxButton, ACTION.exportValidazioneXlsx],
          ] as const
        ).map(([label, id]) => button(label, id, { year: data.year } satisfies ExportButtonValue)),
        "home_documents",
      ),
    );
  }
  // Behaviour scores: the SMVP's editors (default Segretario and Nucleo); the listener checks the configuration.
  if (data.actor.role === "segretario" || data.actor.role === "nucleo") {
    blocks.push(
      section(BEHAVIOUR_TEXT.homeHint),
      actions([button(BEHAVIOUR_TEXT.homeButton, ACTION.behaviourScores, { year: data.year })], "home_behaviours"),
    );
  }
  if (canImportPlan(data.actor)) blocks.push(...planImportBlocks());
  if (data.actor.role === "nucleo") blocks.push(context(HOME_TEXT.readOnly));
  if (opts.validation) for (const b of opts.validation) blocks.push(b);

  if (data.own) {
    blocks.push({ type: "divider" }, section(`*${HOME_TEXT.ownHeader}* (${data.own.total})`));
    if (!data.own.activities.length) blocks.push(section(HOME_TEXT.ownNone));
    for (const a of data.own.activities) for (const b of activityBlocks(a)) blocks.push(b);
    if (data.own.total > data.own.activities.length)
      blocks.push(context(HOME_TEXT.ownMore(data.own.activities.length, data.own.total)));
  }
  if (data.notices && data.actor.role !== "nucleo") {
    const settings = noticeSettingsBlocks(data.notices.preference, data.notices.absences, opts.reminderDays ?? []);
    // Slack's 100 blocks: the settings always fit, the list of activities gives way.
    return { type: "home", blocks: [...blocks.slice(0, 100 - settings.length), ...settings] };
  }
  return { type: "home", blocks: blocks.slice(0, 100) };
}
