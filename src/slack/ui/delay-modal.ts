import type { KnownBlock, ModalView } from "@slack/types";
import { shorten } from "../../domain/digest/text.ts";
import {
  CORRECTIVE_MAX,
  DELAY_CAUSES,
  delayCauseLabel,
  EXPLANATION_MAX,
  type DelayActivity,
  type DelayField,
  type DelayInput,
  type ValidDelay,
} from "../../domain/delays/delays.ts";
import { itDate, itDays } from "../../domain/text/italian.ts";
import { VIEW } from "./ids.ts";
import { context, escapeMrkdwn, section, type SlackMessage } from "./message.ts";

/** block_id / action_id of each field: used by the builder, the parser and the error mapping. */
export const DELAY_FIELDS = {
  cause: { block: "delay_cause", action: "cause" },
  explanation: { block: "delay_explanation", action: "explanation" },
  correctiveAction: { block: "delay_corrective", action: "corrective" },
  newExpectedDate: { block: "delay_new_date", action: "new_date" },
} as const satisfies Record<DelayField, { block: string; action: string }>;

/** Where the modal came from, so the question can be marked as answered. */
export interface DelayModalMetadata {
  year: number;
  code: string;
  channel?: string;
  ts?: string;
}

function deadlineLine(a: DelayActivity): string {
  if (!a.deadline) return "Senza scadenza nel piano.";
  if (a.daysLate !== null && a.daysLate > 0)
    return `Scadenza ${itDate(a.deadline)}: *${itDays(a.daysLate)} di ritardo*.`;
  return `Scadenza ${itDate(a.deadline)}.`;
}

export function delayModal(a: DelayActivity, meta: DelayModalMetadata): ModalView {
  const blocks: KnownBlock[] = [
    section(`Attività *${escapeMrkdwn(a.code)}* «${escapeMrkdwn(shorten(a.title, 200))}»\n${deadlineLine(a)}`),
    context(
      "La causa, la spiegazione e l'eventuale azione correttiva vengono registrate con il tuo nome e la data, per la Relazione sulla performance.",
    ),
    {
      type: "input",
      block_id: DELAY_FIELDS.cause.block,
      label: { type: "plain_text", text: "Causa del ritardo" },
      element: {
        type: "static_select",
        action_id: DELAY_FIELDS.cause.action,
        placeholder: { type: "plain_text", text: "Scegli la causa" },
        options: DELAY_CAUSES.map((c) => ({ text: { type: "plain_text" as const, text: c.label }, value: c.code })),
      },
    },
    {
      type: "input",
      block_id: DELAY_FIELDS.explanation.block,
      label: { type: "plain_text", text: "Che cosa è successo" },
      element: {
        type: "plain_text_input",
        action_id: DELAY_FIELDS.explanation.action,
        multiline: true,
        max_length: EXPLANATION_MAX,
        placeholder: { type: "plain_text", text: "Per esempio: il fornitore ha consegnato in ritardo i materiali" },
      },
    },
    {
      type: "input",
      block_id: DELAY_FIELDS.correctiveAction.block,
      optional: true,
      label: { type: "plain_text", text: "Azione correttiva" },
      element: {
        type: "plain_text_input",
        action_id: DELAY_FIELDS.correctiveAction.action,
        multiline: true,
        max_length: CORRECTIVE_MAX,
        placeholder: { type: "plain_text", text: "Che cosa si farà per recuperare" },
      },
    },
    {
      type: "input",
      block_id: DELAY_FIELDS.newExpectedDate.block,
      optional: true,
      label: { type: "plain_text", text: "Nuova data prevista di completamento" },
      hint: { type: "plain_text", text: "Oggi o un giorno successivo." },
      element: {
        type: "datepicker",
        action_id: DELAY_FIELDS.newExpectedDate.action,
        placeholder: { type: "plain_text", text: "Scegli il giorno" },
      },
    },
  ];
  return {
    type: "modal",
    callback_id: VIEW.delayExplanation,
    private_metadata: JSON.stringify(meta),
    title: { type: "plain_text", text: "Causa del ritardo" },
    submit: { type: "plain_text", text: "Registra" },
    close: { type: "plain_text", text: "Annulla" },
    blocks,
  };
}

/** A modal that only says why the form cannot be used (e.g. no permission), replacing the form. */
export function delayProblemView(message: string): ModalView {
  return {
    type: "modal",
    callback_id: `${VIEW.delayExplanation}_problem`,
    title: { type: "plain_text", text: "Causa del ritardo" },
    close: { type: "plain_text", text: "Chiudi" },
    blocks: [section(`:no_entry: ${escapeMrkdwn(message)}`)],
  };
}

type StateValues = Record<
  string,
  Record<string, { selected_option?: { value?: string } | null; value?: string | null; selected_date?: string | null }>
>;

export function parseDelayState(values: StateValues): DelayInput {
  const get = (f: keyof typeof DELAY_FIELDS) => values[DELAY_FIELDS[f].block]?.[DELAY_FIELDS[f].action];
  return {
    cause: get("cause")?.selected_option?.value ?? null,
    explanation: get("explanation")?.value ?? null,
    correctiveAction: get("correctiveAction")?.value ?? null,
    newExpectedDate: get("newExpectedDate")?.selected_date ?? null,
  };
}

/** Field errors keyed by block_id, as `ack({ response_action: "errors" })` wants them. */
export function delayErrorsByBlock(errors: Partial<Record<DelayField, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as [DelayField, string][])
    out[DELAY_FIELDS[field].block] = message;
  return out;
}

export function parseDelayMetadata(raw: string): DelayModalMetadata | null {
  try {
    const m = JSON.parse(raw) as Partial<DelayModalMetadata>;
    if (typeof m.year !== "number" || typeof m.code !== "string") return null;
    return {
      year: m.year,
      code: m.code,
      channel: typeof m.channel === "string" ? m.channel : undefined,
      ts: typeof m.ts === "string" ? m.ts : undefined,
    };
  } catch {
    return null;
  }
}

/** What replaces the question once it is answered (and the confirmation to the author). */
export function delayAnsweredMessage(a: DelayActivity, v: ValidDelay, userId: string, at: string): SlackMessage {
  const text = `Causa del ritardo di ${a.code} registrata da <@${userId}> il ${itDate(at)}: ${delayCauseLabel(v.cause)}.`;
  const lines = [
    `:white_check_mark: Causa del ritardo dell'attività *${escapeMrkdwn(a.code)}* registrata da <@${userId}> il ${itDate(at)}.`,
    `*Causa:* ${delayCauseLabel(v.cause)}`,
    `*Che cosa è successo:* ${escapeMrkdwn(shorten(v.explanation, 600))}`,
  ];
  if (v.correctiveAction) lines.push(`*Azione correttiva:* ${escapeMrkdwn(shorten(v.correctiveAction, 600))}`);
  if (v.newExpectedDate) lines.push(`*Nuova data prevista:* ${itDate(v.newExpectedDate)}`);
  return { text, blocks: [section(lines.join("\n"))] };
}
