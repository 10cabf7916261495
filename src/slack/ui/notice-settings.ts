import type { KnownBlock, ModalView } from "@slack/types";
import { itDate } from "../../domain/text/italian.ts";
import type { Preference } from "../../domain/schedule/send-plan.ts";
import type { AbsenceView } from "../../store/absences.ts";
import { ACTION, VIEW } from "./ids.ts";
import { actions, button, context, escapeMrkdwn, section } from "./message.ts";

/** App Home "Promemoria e assenze": the section, the absence modal and the preferences modal. */

export const ABSENCE_FIELDS = {
  from: { block: "absence_from", element: "absence_from_pick" },
  to: { block: "absence_to", element: "absence_to_pick" },
  note: { block: "absence_note", element: "absence_note_input" },
} as const;

export const PREF_FIELDS = {
  dm: { block: "pref_dm", element: "pref_dm_pick" },
  days: { block: "pref_days", element: "pref_days_input" },
} as const;

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

function span(a: AbsenceView): string {
  return a.from === a.to ? `il ${itDate(a.from)}` : `dal ${itDate(a.from)} al ${itDate(a.to)}`;
}

export function preferenceLine(p: Preference, defaultDays: readonly number[]): string {
  if (!p.dmReminders)
    return "Promemoria diretti: *disattivati* (le domande sui ritardi ti arrivano comunque, se sei responsabile).";
  const days = p.daysBefore ?? defaultDays[0];
  return `Promemoria diretti: *attivi*, ${days === undefined ? "alle soglie del bot" : `a partire da ${days} ${days === 1 ? "giorno lavorativo" : "giorni lavorativi"} prima della scadenza`}; al massimo un messaggio al giorno.`;
}

export function noticeSettingsBlocks(
  p: Preference,
  absences: readonly AbsenceView[],
  defaultDays: readonly number[],
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: "divider" },
    section("*Promemoria e assenze*"),
    section(preferenceLine(p, defaultDays)),
    actions(
      [
        button("Preferenze promemoria", ACTION.remindersPrefsOpen, {}),
        button("Segnala un'assenza", ACTION.absenceOpen, {}, "primary"),
      ],
      "home_notices",
    ),
  ];
  for (const a of absences.slice(0, 10)) {
    blocks.push({
      ...section(`:palm_tree: Assente ${span(a)}${a.note ? ` · ${escapeMrkdwn(a.note)}` : ""}`),
      accessory: button("Annulla", ACTION.absenceCancel, { id: a.id }, "danger"),
    } as KnownBlock);
  }
  if (absences.length === 0)
    blocks.push(context("Nessuna assenza in programma. Anche con «/assenza dal 10/08/2025 al 25/08/2025»."));
  return blocks;
}

export function absenceModal(today: string): ModalView {
  return {
    type: "modal",
    callback_id: VIEW.absence,
    title: plain("Segnala un'assenza"),
    submit: plain("Registra"),
    close: plain("Annulla"),
    blocks: [
      section("In quei giorni il bot non ti scrive; il riepilogo dell'area dirà che sei assente."),
      {
        type: "input",
        block_id: ABSENCE_FIELDS.from.block,
        label: plain("Dal"),
        element: { type: "datepicker", action_id: ABSENCE_FIELDS.from.element, initial_date: today },
      },
      {
        type: "input",
        block_id: ABSENCE_FIELDS.to.block,
        label: plain("Al (incluso)"),
        element: { type: "datepicker", action_id: ABSENCE_FIELDS.to.element, initial_date: today },
      },
      {
        type: "input",
        block_id: ABSENCE_FIELDS.note.block,
        optional: true,
        label: plain("Nota"),
        element: {
          type: "plain_text_input",
          action_id: ABSENCE_FIELDS.note.element,
          max_length: 200,
          placeholder: plain("per esempio: ferie"),
        },
      },
    ],
  };
}

export function preferencesModal(p: Preference, defaultDays: readonly number[]): ModalView {
  const on = { text: plain("Sì, ricevi i promemoria"), value: "on" };
  const off = { text: plain("No, niente promemoria diretti"), value: "off" };
  return {
    type: "modal",
    callback_id: VIEW.reminderPrefs,
    title: plain("Preferenze promemoria"),
    submit: plain("Salva"),
    close: plain("Annulla"),
    blocks: [
      {
        type: "input",
        block_id: PREF_FIELDS.dm.block,
        label: plain("Promemoria delle scadenze in messaggio diretto"),
        element: {
          type: "radio_buttons",
          action_id: PREF_FIELDS.dm.element,
          options: [on, off],
          initial_option: p.dmReminders ? on : off,
        },
      },
      {
        type: "input",
        block_id: PREF_FIELDS.days.block,
        optional: true,
        label: plain("Quanti giorni lavorativi prima della scadenza"),
        hint: plain(
          `Vuoto: come stabilito per tutti (${defaultDays.join(", ") || "nessuno"}). Un giorno prima ricevi comunque l'ultimo avviso.`,
        ),
        element: {
          type: "plain_text_input",
          action_id: PREF_FIELDS.days.element,
          ...(p.daysBefore !== null ? { initial_value: String(p.daysBefore) } : {}),
          placeholder: plain("per esempio 5"),
        },
      },
    ],
  };
}

type Values = Record<
  string,
  Record<string, { selected_date?: string | null; value?: string | null; selected_option?: { value: string } | null }>
>;

export function readAbsenceForm(values: Values): { from: string | null; to: string | null; note: string | null } {
  return {
    from: values[ABSENCE_FIELDS.from.block]?.[ABSENCE_FIELDS.from.element]?.selected_date ?? null,
    to: values[ABSENCE_FIELDS.to.block]?.[ABSENCE_FIELDS.to.element]?.selected_date ?? null,
    note: values[ABSENCE_FIELDS.note.block]?.[ABSENCE_FIELDS.note.element]?.value?.trim() || null,
  };
}

export function readPreferenceForm(
  values: Values,
  maxDays: number,
): { ok: true; pref: Preference } | { ok: false; errors: Record<string, string> } {
  const dm = values[PREF_FIELDS.dm.block]?.[PREF_FIELDS.dm.element]?.selected_option?.value !== "off";
  const raw = values[PREF_FIELDS.days.block]?.[PREF_FIELDS.days.element]?.value?.trim() ?? "";
  if (raw === "") return { ok: true, pref: { dmReminders: dm, daysBefore: null } };
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > maxDays) {
    return {
      ok: false,
      errors: { [PREF_FIELDS.days.block]: `Scrivi un numero di giorni da 1 a ${maxDays}, oppure lascia vuoto.` },
    };
  }
  return { ok: true, pref: { dmReminders: dm, daysBefore: Number(raw) } };
}
