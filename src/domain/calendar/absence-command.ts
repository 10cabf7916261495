import { parseDayInput } from "./day-input.ts";

/** The text after `/assenza`, read into a command. Pure. */

export type AbsenceCommand =
  | { kind: "add"; from: string; to: string; note: string | null }
  | { kind: "list" }
  | { kind: "cancel"; id: number }
  | { kind: "help" };

export type AbsenceParse = { ok: true; command: AbsenceCommand } | { ok: false; message: string };

export const ABSENCE_USAGE =
  "Scrivi «/assenza dal 10/08/2025 al 25/08/2025» (anche «/assenza il 14/08/2025» per un giorno solo, con una nota facoltativa alla fine), «/assenza elenco» per vedere le tue assenze, «/assenza annulla 3» per annullarne una.";

const DATE = String.raw`(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})`;
const RANGE = new RegExp(String.raw`^(?:dal|da)\s+${DATE}\s+(?:al|a|fino\s+al)\s+${DATE}(?:\s+(.*))?$`, "i");
const SINGLE = new RegExp(String.raw`^(?:il|per\s+il)?\s*${DATE}(?:\s+(.*))?$`, "i");

export function parseAbsenceText(raw: string): AbsenceParse {
  const text = raw.replace(/\s+/g, " ").trim();
  const word = text.toLowerCase();
  if (word === "" || word === "aiuto" || word === "help") return { ok: true, command: { kind: "help" } };
  if (word === "elenco" || word === "lista" || word === "mie") return { ok: true, command: { kind: "list" } };
  const cancel = /^(?:annulla|cancella|rimuovi)\s+(?:n\.?\s*)?(\d{1,9})$/i.exec(text);
  if (cancel) return { ok: true, command: { kind: "cancel", id: Number(cancel[1]) } };
  if (/^(?:annulla|cancella|rimuovi)\b/i.test(text)) {
    return {
      ok: false,
      message:
        "Indica il numero dell'assenza da annullare, per esempio «/assenza annulla 3»: i numeri sono in «/assenza elenco».",
    };
  }
  const range = RANGE.exec(text);
  const single = range ? null : SINGLE.exec(text);
  if (!range && !single) return { ok: false, message: `Non capisco «${text.slice(0, 60)}». ${ABSENCE_USAGE}` };
  const [fromRaw, toRaw, note] = range ? [range[1]!, range[2]!, range[3]] : [single![1]!, single![1]!, single![2]];
  const from = parseDayInput(fromRaw);
  const to = parseDayInput(toRaw);
  if (!from)
    return {
      ok: false,
      message: `«${fromRaw}» non è una data valida: scrivila come giorno/mese/anno, per esempio 10/08/2025.`,
    };
  if (!to)
    return {
      ok: false,
      message: `«${toRaw}» non è una data valida: scrivila come giorno/mese/anno, per esempio 25/08/2025.`,
    };
  if (to < from)
    return {
      ok: false,
      message: `La data di fine (${toRaw}) viene prima di quella di inizio (${fromRaw}): per esempio «/assenza dal 10/08/2025 al 25/08/2025».`,
    };
  const n = note?.trim() ?? "";
  if (n.length > 200) return { ok: false, message: "La nota è troppo lunga (massimo 200 caratteri)." };
  return { ok: true, command: { kind: "add", from, to, note: n || null } };
}
