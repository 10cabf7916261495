/**
 * The Italian national public holidays (L. 27 maggio 1949, n. 260, as amended): the same
 * fixed days every year, Easter and Easter Monday, which move. A table and Easter's
 * arithmetic: the calendar of the whole world that a holidays library loads at start-up
 * would cost the bot about 15 MB of memory for these thirteen days a year. A test holds the
 * result equal to the `date-holidays` data for IT, year by year.
 */

interface FixedHoliday {
  /** "MM-DD". */
  day: string;
  name: string;
  /** First year it is a holiday again (a day the law restored). */
  since?: number;
}

const FIXED: readonly FixedHoliday[] = [
  { day: "01-01", name: "Capodanno" },
  { day: "01-06", name: "Epifania", since: 1986 },
  { day: "04-25", name: "Liberazione dal nazifascismo (1945)" },
  { day: "05-01", name: "Festa del lavoro" },
  { day: "06-02", name: "Festa della Repubblica", since: 2001 },
  { day: "08-15", name: "Assunzione di Maria" },
  { day: "10-04", name: "Festa nazionale di San Francesco d'Assisi", since: 2026 },
  { day: "11-01", name: "Ognissanti" },
  { day: "12-08", name: "Immacolata Concezione" },
  { day: "12-25", name: "Natale di Gesù" },
  { day: "12-26", name: "Santo Stefano" },
];

/** Days made a holiday once, by a law of their own. */
const ONE_OFF: readonly { date: string; name: string }[] = [
  { date: "2011-03-17", name: "Festa Nazionale 2011" }, // 150 anni dell'Unità d'Italia (L. 47/2011)
];

const pad = (n: number) => String(n).padStart(2, "0");

/** Easter Sunday of a Gregorian year, ISO day (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * The national holidays of a year, ISO day -> Italian name, in calendar order. Where two
 * fall on one day (Easter Monday on 25 April) the day keeps the moving feast's name.
 */
export function italianHolidays(year: number): Map<string, string> {
  const easter = easterSunday(year);
  const monday = new Date(`${easter}T00:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() + 1);
  const days: [string, string][] = [
    ...FIXED.filter((h) => h.since === undefined || year >= h.since).map((h): [string, string] => [
      `${year}-${h.day}`,
      h.name,
    ]),
    ...ONE_OFF.filter((h) => h.date.startsWith(`${year}-`)).map((h): [string, string] => [h.date, h.name]),
    [easter, "Domenica di Pasqua"],
    [monday.toISOString().slice(0, 10), "Lunedì dell'Angelo"],
  ];
  return new Map(days.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
