import type { KnownBlock, View } from "@slack/types";
import { z } from "zod";
import type { BehaviourForm } from "../../app/behaviours.ts";
import { itNumber } from "../../domain/text/italian.ts";
import { clip, context, escapeMrkdwn, section } from "./message.ts";
import { ACTION, VIEW } from "./ids.ts";

export const BEHAVIOUR_TEXT = {
  title: "Comportamenti",
  submit: "Salva",
  close: "Annulla",
  pickLabel: "Responsabile",
  pickPlaceholder: "Scegli il Responsabile",
  intro: (year: number) =>
    `Punteggi dei *comportamenti organizzativi* ${year} (scheda di valutazione). Scegli il Responsabile: i criteri e i massimi sono quelli del SMVP.`,
  noHeads: "Il piano non indica i responsabili delle aree: non c'è nessuna scheda da compilare.",
  fieldHint: (max: number) => `Da 0 a ${itNumber(max)} punti. Vuoto = non ancora valutato.`,
  saved: (who: string, total: number, max: number) =>
    `:white_check_mark: Comportamenti di ${who} salvati: ${itNumber(total, 2)} punti su ${itNumber(max)}.`,
  homeHint: "*Schede di valutazione*: inserisci i punteggi dei comportamenti organizzativi di ogni Responsabile.",
  homeButton: "Comportamenti organizzativi",
} as const;

export const criterionBlockId = (n: number) => `behaviour_${n}`;
const criterionActionId = (n: number) => `behaviour_value_${n}`;
const PICK_BLOCK = "behaviour_pick_block";

const metadata = z.object({ year: z.number().int(), responsabile: z.string().min(1).nullable() });
export type BehaviourMetadata = z.infer<typeof metadata>;

export function parseBehaviourMetadata(raw: string | undefined): BehaviourMetadata | null {
  try {
    const parsed = metadata.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The modal: the Responsabile picker and, once one is picked, one number field per criterion (pre-filled). */
export function behaviourModal(form: BehaviourForm): View {
  const blocks: KnownBlock[] = [section(BEHAVIOUR_TEXT.intro(form.year))];
  if (!form.heads.length) {
    blocks.push(section(BEHAVIOUR_TEXT.noHeads));
    return {
      type: "modal",
      callback_id: VIEW.behaviourScores,
      title: { type: "plain_text", text: BEHAVIOUR_TEXT.title },
      close: { type: "plain_text", text: BEHAVIOUR_TEXT.close },
      blocks,
    };
  }
  const options = form.heads
    .slice(0, 100)
    .map((h) => ({ text: { type: "plain_text" as const, text: clip(h, 75) }, value: clip(h, 150) }));
  const initial = form.responsabile ? options.find((o) => o.value === form.responsabile) : undefined;
  blocks.push({
    type: "input",
    block_id: PICK_BLOCK,
    dispatch_action: true,
    label: { type: "plain_text", text: BEHAVIOUR_TEXT.pickLabel },
    element: {
      type: "static_select",
      action_id: ACTION.behaviourPick,
      placeholder: { type: "plain_text", text: BEHAVIOUR_TEXT.pickPlaceholder },
      options,
      ...(initial ? { initial_option: initial } : {}),
    },
  });
  if (form.responsabile) {
    for (const c of form.criteria.slice(0, 45)) {
      const current = form.current?.[c.number];
      blocks.push({
        type: "input",
        block_id: criterionBlockId(c.number),
        optional: true,
        label: { type: "plain_text", text: clip(`${c.number}. ${c.title}`, 2000) },
        hint: { type: "plain_text", text: BEHAVIOUR_TEXT.fieldHint(c.maxPoints) },
        element: {
          type: "number_input",
          action_id: criterionActionId(c.number),
          is_decimal_allowed: true,
          min_value: "0",
          max_value: String(c.maxPoints),
          ...(current != null ? { initial_value: String(current) } : {}),
        },
      });
    }
    blocks.push(
      context(escapeMrkdwn(`Totale massimo: ${itNumber(form.criteria.reduce((s, c) => s + c.maxPoints, 0))} punti.`)),
    );
  }
  return {
    type: "modal",
    callback_id: VIEW.behaviourScores,
    private_metadata: JSON.stringify({ year: form.year, responsabile: form.responsabile } satisfies BehaviourMetadata),
    title: { type: "plain_text", text: BEHAVIOUR_TEXT.title },
    close: { type: "plain_text", text: BEHAVIOUR_TEXT.close },
    ...(form.responsabile ? { submit: { type: "plain_text" as const, text: BEHAVIOUR_TEXT.submit } } : {}),
    blocks,
  };
}

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/** The numbers typed, by criterion number (empty fields left out); text that is no number is kept as is for the message. */
export function parseBehaviourState(values: StateValues, criteria: { number: number }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of criteria) {
    const raw = values[criterionBlockId(c.number)]?.[criterionActionId(c.number)]?.value;
    if (raw == null || raw.trim() === "") continue;
    const n = Number(raw.trim().replace(",", "."));
    out[String(c.number)] = Number.isFinite(n) ? n : raw;
  }
  return out;
}

export function pickedResponsabile(values: StateValues): string | null {
  return values[PICK_BLOCK]?.[ACTION.behaviourPick]?.selected_option?.value ?? null;
}
