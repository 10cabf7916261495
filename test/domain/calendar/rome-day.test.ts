import { TZDate } from "@date-fns/tz";
import { describe, expect, it } from "vitest";
import { romeDay } from "../../../src/domain/calendar/days.ts";

// romeDay remembers the day of each UTC hour: it must give exactly what the time-zone
// library gives, minute by minute around the changes to and from summer time.
function reference(at: Date): string {
  const z = new TZDate(at.getTime(), "Europe/Rome");
  return `${z.getFullYear()}-${String(z.getMonth() + 1).padStart(2, "0")}-${String(z.getDate()).padStart(2, "0")}`;
}

describe("romeDay", () => {
  it.each([
    ["summer time starts", Date.UTC(2024, 2, 29)],
    ["summer time ends", Date.UTC(2024, 9, 25)],
    ["new year", Date.UTC(2025, 11, 30)],
  ])("equals the time-zone library minute by minute (%s)", (_name, from) => {
    const wrong: string[] = [];
    for (let t = from; t < from + 4 * 86_400_000; t += 60_000) {
      const at = new Date(t);
      if (romeDay(at) !== reference(at)) wrong.push(at.toISOString());
    }
    expect(wrong).toEqual([]);
  });

  it("gives the Rome day, not the UTC one, just after local midnight", () => {
    expect(romeDay(new Date("2024-07-14T22:30:00Z"))).toBe("2024-07-15");
    expect(romeDay(new Date("2024-12-14T22:30:00Z"))).toBe("2024-12-14");
    expect(romeDay(new Date("2024-12-14T23:00:00Z"))).toBe("2024-12-15");
  });
});
