/** Numbers and dates as an Italian reader expects them (62,5 — 31/03/2024). */

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(maxDecimals: number, grouping: boolean, minDecimals = 0): Intl.NumberFormat {
  const key = `${maxDecimals}:${grouping}:${minDecimals}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat("it-IT", {
      maximumFractionDigits: maxDecimals,
      minimumFractionDigits: minDecimals,
      useGrouping: grouping,
    });
    numberFormats.set(key, f);
  }
  return f;
}

/** 62,5 — 1.234,56 (grouping for prose; CSV cells use `itDecimal`). */
export function itNumber(n: number, maxDecimals = 2): string {
  return numberFormat(maxDecimals, true).format(n);
}

/** A number for a CSV cell read by Italian Excel: comma decimals, no thousands separator. */
export function itDecimal(n: number, maxDecimals = 2): string {
  return numberFormat(maxDecimals, false).format(n);
}

export function itPercent(n: number, maxDecimals = 1): string {
  return `${itNumber(n, maxDecimals)}%`;
}

/** 200.000,00 € */
export function itEuro(n: number): string {
  return `${numberFormat(2, true, 2).format(n)} €`;
}

/** yyyy-mm-dd -> dd/mm/yyyy */
export function itDate(isoDay: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDay);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDay;
}

/** Made once: building an Intl formatter costs more than using it (it showed in the profile of every reply). */
let romeDateTime: Intl.DateTimeFormat | undefined;

/** An instant as dd/mm/yyyy hh:mm in Rome. */
export function itDateTime(at: Date): string {
  romeDateTime ??= new Intl.DateTimeFormat("it-IT", {
    timeZone: "Europe/Rome",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  const parts = romeDateTime.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("day")}/${get("month")}/${get("year")} ${get("hour")}:${get("minute")}`;
}

/** "1 giorno", "15 giorni" */
export function itDays(n: number): string {
  return n === 1 ? "1 giorno" : `${n} giorni`;
}

/** The months in Italian, January first: dates written out ("31 dicembre 2024") and read back. */
export const ITALIAN_MONTHS = [
  "gennaio",
  "febbraio",
  "marzo",
  "aprile",
  "maggio",
  "giugno",
  "luglio",
  "agosto",
  "settembre",
  "ottobre",
  "novembre",
  "dicembre",
] as const;

let romeIsoDay: Intl.DateTimeFormat | undefined;

/** A day written out, "31 gennaio 2025": an ISO day as it is, an instant on the Rome calendar. */
export function itLongDate(at: Date | string): string {
  romeIsoDay ??= new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Rome",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const iso = typeof at === "string" ? at : romeIsoDay.format(at);
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return `${d} ${ITALIAN_MONTHS[(m ?? 1) - 1]} ${y}`;
}
