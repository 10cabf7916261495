import { parseIsoDay } from "./day-formats.ts";

/** A day typed by a person: 2025-08-10, 10/08/2025 or 10-08-2025 (day first, as in Italy). Null when not a real day. */
export function parseDayInput(raw: string): string | null {
  const s = raw.trim();
  const iso = parseIsoDay(s);
  if (iso) return iso;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (!m) return null;
  return parseIsoDay(`${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`);
}
