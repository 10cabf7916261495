import type { KnownBlock, SectionBlock } from "@slack/types";
import type { ActivityInfo, CodeResolution, CodeSuggestion } from "../../domain/plan/activity.ts";
import { GRAMMAR_LINES } from "../../domain/progress/command-grammar.ts";
import { itDateTime } from "../../domain/text/italian.ts";
import type { DerivedProgress } from "../../domain/progress/progress.ts";
import type { ActivityHistory } from "../../store/reports.ts";
import { UNDO_WINDOW_MINUTES } from "../../domain/progress/progress.ts";
import { ACTION, type ActivityButtonValue } from "./ids.ts";
import { actions, button, clip, context, escapeMrkdwn, fieldsSection, section, type SlackMessage } from "./message.ts";
import {
  activityRef,
  DELAY_CAUSE_LABEL,
  describeReport,
  shortTitle,
  stateLines,
  statusText,
  T,
  undoHint,
  whereText,
} from "./obiettivo-strings.ts";

/** Pure builders of every /obiettivo reply: data in, {text, blocks} out. */

export interface UndoButtonValue {
  reportId: number;
}

export interface ChooseActivityValue {
  year: number;
  code: string;
  /** What followed the code in the command ("completato", "60%"...), replayed on the chosen activity. */
  rest: string;
}

/** Slack refuses button values over 2000 characters. */
export const MAX_BUTTON_VALUE = 2000;

interface RecordedReport {
  id: number;
  kind: string;
  status: string | null;
  value: number | null;
  occurredOn: string;
  note: string | null;
  evidence: string | null;
  numerator?: number | null;
  denominator?: number | null;
  valueSource?: string | null;
  createdAt: Date;
  /** Whose work it is, and who typed it when on their behalf (absent: not shown). */
  userId?: string;
  enteredBy?: string | null;
}

function mentionOf(id: string, names?: ReadonlyMap<string, string | null>): string {
  return names?.get(id) ?? id;
}

export interface ReportReplyInput {
  activity: ActivityInfo;
  report: RecordedReport;
  progress: DerivedProgress;
  today: string;
  /** A Slack retry of a request already recorded. */
  duplicate?: boolean;
  /** Display names, for "registrato da X per Y". */
  names?: ReadonlyMap<string, string | null>;
  /** The completion lacks the evidence its SMVP rule asks for: say so, offer "Aggiungi evidenza". */
  evidenceNeed?: { acts: string; scoresWithout: boolean } | null;
}

export interface AddEvidenceValue {
  reportId: number;
}

export function evidenceNeedText(need: { acts: string; scoresWithout: boolean }): string {
  return `Manca l'evidenza: per questa attività serve ${need.acts}. ${
    need.scoresWithout
      ? "Senza, nella Relazione risulta «senza evidenza»."
      : "Senza, nella Relazione risulta «senza evidenza» e non conta nel punteggio."
  } Aggiungila con il pulsante «${T.addEvidenceButton}» o dal modulo «/obiettivo <codice>».`;
}

function updateButton(a: ActivityInfo) {
  return button(T.updateButton, ACTION.activityUpdate, { year: a.year, code: a.code } satisfies ActivityButtonValue);
}

function stateFields(a: ActivityInfo, p: DerivedProgress, today: string): SectionBlock {
  return fieldsSection(stateLines(a, p, today).map((l) => `*${l.label}*\n${escapeMrkdwn(l.value)}`));
}

function stateText(a: ActivityInfo, p: DerivedProgress, today: string): string {
  return stateLines(a, p, today)
    .map((l) => `${l.label}: ${l.value.replace(/:[a-z_]+: /g, "")}`)
    .join(". ");
}

/** The answer to a recorded report: what was recorded, the new state, "Annulla" and "Aggiorna". */
export function reportRecordedMessage(input: ReportReplyInput): SlackMessage {
  const { activity: a, report, progress, today, duplicate, evidenceNeed } = input;
  const what = describeReport(report, a);
  const behalf = report.enteredBy && report.userId && report.enteredBy !== report.userId;
  const lead = behalf
    ? `${duplicate ? "Già registrato (richiesta ripetuta da Slack, non contata due volte): aggiornamento" : "Aggiornamento"} registrato da ${mentionOf(report.enteredBy!, input.names)} per ${mentionOf(report.userId!, input.names)}`
    : duplicate
      ? "Già registrato (richiesta ripetuta da Slack, non contata due volte)"
      : "Registrato";
  const hint = undoHint(report.createdAt, UNDO_WINDOW_MINUTES);
  const blocks: KnownBlock[] = [
    section(
      `${duplicate ? ":information_source:" : ":white_check_mark:"} *${escapeMrkdwn(lead)}* — *${escapeMrkdwn(a.code)}* ${escapeMrkdwn(shortTitle(a.title))}`,
    ),
    section(`${escapeMrkdwn(capitalize(what))}.`),
    stateFields(a, progress, today),
    ...(evidenceNeed ? [section(`:warning: ${escapeMrkdwn(evidenceNeedText(evidenceNeed))}`)] : []),
    context(`${escapeMrkdwn(whereText(a))} · ${escapeMrkdwn(hint)}`),
    actions([
      ...(evidenceNeed
        ? [
            button(
              T.addEvidenceButton,
              ACTION.addEvidence,
              { reportId: report.id } satisfies AddEvidenceValue,
              "primary",
            ),
          ]
        : []),
      button(T.undoButton, ACTION.reportUndo, { reportId: report.id } satisfies UndoButtonValue),
      updateButton(a),
    ]),
  ];
  const text = `${lead}: ${activityRef(a)}: ${what}. ${stateText(a, progress, today)}.${evidenceNeed ? ` ${evidenceNeedText(evidenceNeed)}` : ""} ${hint}`;
  return { text: clip(text, 3000), blocks };
}

/** Replaces the reply once "Annulla" was pressed. */
export function reportUndoneMessage(input: {
  activity: ActivityInfo | null;
  activityCode: string;
  report: RecordedReport;
  progress: DerivedProgress;
  today: string;
}): SlackMessage {
  const { activity: a, report, progress, today } = input;
  const what = a ? describeReport(report, a) : describeReport(report, { unit: null });
  const head = `:leftwards_arrow_with_hook: *Annullato* l'aggiornamento di *${escapeMrkdwn(input.activityCode)}*: ~${escapeMrkdwn(what)}~`;
  const blocks: KnownBlock[] = [section(head)];
  if (a) {
    blocks.push(stateFields(a, progress, today), actions([updateButton(a)]));
  } else {
    blocks.push(section(`*Stato*\n${statusText(progress.status)}`));
  }
  const text = `Annullato l'aggiornamento di ${input.activityCode} (${what}). ${a ? stateText(a, progress, today) : `Stato: ${progress.status}`}.`;
  return { text: clip(text, 3000), blocks };
}

/** `/obiettivo <code> storia`: reports (undone ones struck through) and delay explanations. */
export function historyMessage(
  a: ActivityInfo,
  progress: DerivedProgress,
  history: ActivityHistory,
  today: string,
): SlackMessage {
  const lines = history.reports.map((r) => {
    const when = itDateTime(r.createdAt);
    const what = escapeMrkdwn(describeReport(r, a));
    const who =
      r.enteredBy && r.enteredBy !== r.userId ? `registrato da <@${r.enteredBy}> per <@${r.userId}>` : `<@${r.userId}>`;
    return r.undoneAt
      ? `• ~${when} ${who}: ${what}~ _(annullato il ${itDateTime(r.undoneAt)})_`
      : `• ${when} ${who}: ${what}`;
  });
  const delayLines = history.delays.map((d) => {
    const parts = [
      `${itDateTime(d.createdAt)} <@${d.userId}>: ritardo per ${DELAY_CAUSE_LABEL[d.cause] ?? d.cause} — ${escapeMrkdwn(d.explanation)}`,
    ];
    if (d.correctiveAction) parts.push(`azione correttiva: ${escapeMrkdwn(d.correctiveAction)}`);
    if (d.newExpectedDate) parts.push(`nuova data prevista: ${d.newExpectedDate.split("-").reverse().join("/")}`);
    return `• ${parts.join(" · ")}`;
  });
  const blocks: KnownBlock[] = [
    section(`:scroll: *Cronologia di ${escapeMrkdwn(a.code)}* — ${escapeMrkdwn(shortTitle(a.title))}`),
    context(escapeMrkdwn(whereText(a))),
    stateFields(a, progress, today),
  ];
  const reportTitle =
    history.totalReports === 0
      ? "_Nessun aggiornamento registrato._"
      : history.totalReports > history.reports.length
        ? `*Aggiornamenti* (gli ultimi ${history.reports.length} di ${history.totalReports})`
        : "*Aggiornamenti*";
  blocks.push(...chunkedSections(reportTitle, lines));
  if (delayLines.length) blocks.push(...chunkedSections("*Cause di ritardo*", delayLines));
  blocks.push(actions([updateButton(a)]));
  // Delays first in the fallback: they are few and matter most; a long report list may be cut.
  const plainLines = [
    `Cronologia di ${activityRef(a)}. ${stateText(a, progress, today)}.`,
    ...(delayLines.length ? ["Cause di ritardo:", ...delayLines.map(stripMrkdwn)] : []),
    history.totalReports === 0 ? "Nessun aggiornamento registrato." : "Aggiornamenti:",
    ...lines.map(stripMrkdwn),
  ];
  return { text: clip(plainLines.join("\n"), 3900), blocks: blocks.slice(0, 50) };
}

/** Long lists go in several sections: one section's text is limited to 3000 characters. */
function chunkedSections(title: string, lines: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let current = title;
  for (const l of lines) {
    const line = clip(l, 900);
    if (current.length + line.length + 1 > 2900) {
      out.push(section(current));
      current = line;
    } else current += `\n${line}`;
  }
  out.push(section(current));
  return out;
}

function stripMrkdwn(s: string): string {
  return s.replace(/~/g, "").replace(/_/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function helpMessage(): SlackMessage {
  const lines = GRAMMAR_LINES.map((l) => `• \`${l.form}\` — ${l.meaning}`);
  return {
    text: ["Come si usa /obiettivo:", ...GRAMMAR_LINES.map((l) => `${l.form} — ${l.meaning}`), T.helpFooter].join("\n"),
    blocks: [section(T.helpTitle), section(lines.join("\n")), context(T.helpFooter)],
  };
}

/** A printed code naming several activities: one "Scegli" button each, replaying the rest of the command. */
export function chooseActivityMessage(typed: string, activities: ActivityInfo[], rest: string): SlackMessage {
  const values = activities.map((a) => ({ year: a.year, code: a.code, rest }) satisfies ChooseActivityValue);
  const fits = values.every((v) => JSON.stringify(v).length <= MAX_BUTTON_VALUE);
  const intro = `Il codice ${typed} è stampato nel piano per ${activities.length} attività diverse. Quale intendi?`;
  const blocks: KnownBlock[] = [section(`:twisted_rightwards_arrows: ${escapeMrkdwn(intro)}`)];
  activities.forEach((a, i) => {
    const block: SectionBlock = section(
      `*${escapeMrkdwn(a.code)}* — ${escapeMrkdwn(shortTitle(a.title))}\n_${escapeMrkdwn(whereText(a))}_`,
    );
    if (fits) block.accessory = button(T.chooseButton, ACTION.chooseActivity, values[i]);
    blocks.push(block);
  });
  const retype = `Oppure ripeti il comando con il codice univoco, per esempio «/obiettivo ${activities[0]!.code}${rest ? ` ${rest}` : ""}».`;
  blocks.push(context(escapeMrkdwn(clip(retype, 500))));
  const text = [
    intro,
    ...activities.map((a) => `${a.code}: ${shortTitle(a.title)} (${whereText(a)})`),
    clip(retype, 500),
  ].join("\n");
  return { text, blocks };
}

/** An unknown code: the closest codes, or the activities of the objective it names. */
export function unknownCodeMessage(
  resolution: Extract<CodeResolution, { kind: "unknown" }>,
  year: number,
  rest: string,
): SlackMessage {
  const typed = resolution.typed;
  const example = (s: CodeSuggestion) => `«/obiettivo ${s.code}${rest ? ` ${clip(rest, 40)}` : ""}»`;
  let intro: string;
  let list: CodeSuggestion[];
  if (resolution.objective) {
    intro = `${resolution.objective.code} è un obiettivo («${shortTitle(resolution.objective.title, 80)}»), non un'attività: indica una delle sue attività.`;
    list = resolution.objective.activities;
  } else if (resolution.suggestions.length) {
    intro = `Non trovo l'attività ${typed} nel piano ${year}. Forse intendevi:`;
    list = resolution.suggestions;
  } else {
    intro = `Non trovo l'attività ${typed} nel piano ${year}, né codici simili. Scrivi «/obiettivo» senza codice per scegliere dall'elenco delle tue attività.`;
    list = [];
  }
  const lines = list.map(
    (s) =>
      `• *${escapeMrkdwn(s.code)}*${s.printedCode !== s.code ? ` (stampato ${escapeMrkdwn(s.printedCode)})` : ""} — ${escapeMrkdwn(shortTitle(s.title, 80))}`,
  );
  const blocks: KnownBlock[] = [section(`:mag: ${escapeMrkdwn(intro)}`)];
  if (lines.length) {
    blocks.push(section(lines.join("\n")));
    blocks.push(context(escapeMrkdwn(`Per esempio: ${example(list[0]!)}`)));
  }
  const text = [
    intro,
    ...list.map((s) => `${s.code} — ${shortTitle(s.title, 80)}`),
    ...(list.length ? [`Per esempio: ${example(list[0]!)}`] : []),
  ].join("\n");
  return { text, blocks };
}

/** Errors and refusals: one clear sentence, with a warning sign. */
export function errorMessage(text: string): SlackMessage {
  return { text, blocks: [section(`:warning: ${escapeMrkdwn(text)}`)] };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
