import { describe, expect, it } from "vitest";
import { parseAbsenceText } from "../../../src/domain/calendar/absence-command.ts";
import { parseDayInput } from "../../../src/domain/calendar/day-input.ts";
import { parseIsoDay, parseMonthDay } from "../../../src/domain/calendar/day-formats.ts";
import { easterSunday, italianHolidays } from "../../../src/domain/calendar/italian-holidays.ts";
import { WorkingCalendar } from "../../../src/domain/calendar/working-calendar.ts";

describe("working calendar", () => {
  const cal = new WorkingCalendar({ patron: "06-24", closures: ["2025-08-14"] });

  it("closes weekends, national holidays (from date-holidays, public only), the patron and closures", () => {
    expect(cal.closedBecause("2025-04-21")).toEqual({ kind: "festivita", name: "Lunedì dell'Angelo" });
    expect(cal.closedBecause("2025-04-25")?.kind).toBe("festivita");
    expect(cal.closedBecause("2025-06-02")?.kind).toBe("festivita");
    expect(cal.closedBecause("2025-08-15")?.kind).toBe("festivita");
    expect(cal.closedBecause("2025-12-08")?.kind).toBe("festivita");
    expect(cal.closedBecause("2025-06-24")).toEqual({ kind: "patrono", name: "festa del santo patrono" });
    expect(cal.closedBecause("2025-08-14")?.kind).toBe("chiusura");
    expect(cal.closedBecause("2025-08-16")).toEqual({ kind: "weekend", name: "sabato" });
    // Observances are not days off: Mother's day (a Sunday anyway), Good Friday.
    expect(cal.isWorkingDay("2025-04-18")).toBe(true);
    expect(cal.isWorkingDay("2025-04-22")).toBe(true);
    // Easter moves every year.
    expect(cal.closedBecause("2024-04-01")?.name).toBe("Lunedì dell'Angelo");
    expect(cal.isWorkingDay("2024-04-22")).toBe(true);
  });

  it("counts working days and finds the next one", () => {
    expect(cal.workingDaysBetween("2025-04-18", "2025-04-22")).toBe(1); // Fri → Tue over Easter Monday
    expect(cal.workingDaysBetween("2025-04-22", "2025-04-18")).toBe(-1);
    expect(cal.workingDaysBetween("2025-08-13", "2025-08-18")).toBe(1); // closure, Ferragosto, weekend
    expect(cal.workingDaysBetween("2025-08-15", "2025-08-16")).toBe(0);
    expect(cal.nextWorkingDay("2025-08-14")).toBe("2025-08-18");
    expect(cal.nextWorkingDay("2025-08-18")).toBe("2025-08-18");
    expect(cal.addWorkingDays("2025-08-13", 1)).toBe("2025-08-18");
  });

  it("counts across years as a day-by-day count does (the planner's fast path)", () => {
    const naive = (from: string, to: string) => {
      let n = 0;
      for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) < to; ) {
        d = new Date(d.getTime() + 86_400_000);
        if (cal.isWorkingDay(d.toISOString().slice(0, 10))) n++;
      }
      return n;
    };
    for (const [from, to] of [
      ["2024-12-20", "2025-01-10"],
      ["1999-12-30", "2000-01-04"],
      ["2025-03-01", "2026-02-01"],
      ["2025-06-23", "2025-06-25"],
    ] as const) {
      expect(cal.workingDaysBetween(from, to)).toBe(naive(from, to));
      expect(cal.workingDaysBetween(to, from)).toBe(-naive(from, to));
    }
  });

  it("reads the day formats of the settings", () => {
    expect(parseMonthDay("06-24")).toBe("06-24");
    expect(parseMonthDay("02-29")).toBe("02-29");
    expect(["6-24", "02-30", "13-01", "24-06", ""].map(parseMonthDay)).toEqual([null, null, null, null, null]);
    expect(parseIsoDay("2025-02-29")).toBeNull();
    expect(parseDayInput("10/08/2025")).toBe("2025-08-10");
    expect(parseDayInput("1-9-2025")).toBe("2025-09-01");
    expect(parseDayInput("31/06/2025")).toBeNull();
  });

  it("reads /assenza", () => {
    expect(parseAbsenceText("dal 10/08/2025 al 25/08/2025")).toEqual({
      ok: true,
      command: { kind: "add", from: "2025-08-10", to: "2025-08-25", note: null },
    });
    expect(parseAbsenceText("Dal 10/08/2025 al 25/08/2025 ferie estive")).toMatchObject({
      ok: true,
      command: { note: "ferie estive" },
    });
    expect(parseAbsenceText("il 14/08/2025")).toMatchObject({
      ok: true,
      command: { kind: "add", from: "2025-08-14", to: "2025-08-14" },
    });
    expect(parseAbsenceText("elenco")).toEqual({ ok: true, command: { kind: "list" } });
    expect(parseAbsenceText("annulla 3")).toEqual({ ok: true, command: { kind: "cancel", id: 3 } });
    expect(parseAbsenceText("annulla")).toMatchObject({ ok: false });
    const reversed = parseAbsenceText("dal 25/08/2025 al 10/08/2025");
    expect(reversed.ok === false && reversed.message).toContain("viene prima di quella di inizio");
    const bad = parseAbsenceText("dal 32/08/2025 al 10/09/2025");
    expect(bad.ok === false && bad.message).toContain("«32/08/2025» non è una data valida");
  });
});

describe("the national holidays", () => {
  it("are, year by year, the public holidays of the date-holidays data for IT (2001–2099)", async () => {
    const { default: Holidays } = await import("date-holidays");
    const library = new Holidays("IT", { languages: ["it"], types: ["public"] });
    for (let year = 2001; year < 2100; year++) {
      // One name a day: where two fall together (25 April 2011, 2038: Easter) the later one, as the library lists them.
      const expected = new Map<string, string>();
      for (const h of library.getHolidays(year))
        if (h.type === "public") expected.set(h.date.slice(0, 10), h.name.replace(/’/g, "'"));
      expect([...italianHolidays(year)], String(year)).toEqual([...expected]);
    }
  });

  it("compute Easter by the Gregorian rule, including its earliest and latest dates", () => {
    expect(easterSunday(2024)).toBe("2024-03-31");
    expect(easterSunday(2025)).toBe("2025-04-20");
    expect(easterSunday(2285)).toBe("2285-03-22");
    expect(easterSunday(2038)).toBe("2038-04-25");
  });

  it("count 2 June only from 2001 and 4 October only from 2026, when the law made them holidays again", () => {
    expect(italianHolidays(2000).has("2000-06-02")).toBe(false);
    expect(italianHolidays(2001).get("2001-06-02")).toBe("Festa della Repubblica");
    expect(italianHolidays(2025).has("2025-10-04")).toBe(false);
    expect(italianHolidays(2026).get("2026-10-04")).toBe("Festa nazionale di San Francesco d'Assisi");
  });
});
