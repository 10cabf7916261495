import { describe, expect, it } from "vitest";
import { WorkingCalendar } from "../../../src/domain/calendar/working-calendar.ts";
import {
  BUNDLE_MAX_ITEMS,
  digestDayOfWeek,
  dueAt,
  personalThresholds,
  planWindow,
  romeInstant,
  type PlannedActivity,
  type ScheduleConfig,
  type ScheduleFacts,
} from "../../../src/domain/schedule/send-plan.ts";

const config: ScheduleConfig = {
  digest: { weekday: 1, time: "08:30" },
  dailyTime: "08:00",
  thresholds: [7, 1],
  overdueDays: 10,
  absenceRouting: "responsabile",
};

function activity(code: string, deadline: string, over: Partial<PlannedActivity> = {}): PlannedActivity {
  return {
    code,
    title: `Attività ${code}`,
    areaCode: "03",
    areaName: "Area Tecnica",
    involvesAllAreas: false,
    involvedAreas: [],
    deadline,
    lastReporterId: null,
    explained: false,
    ...over,
  };
}

function facts(over: Partial<ScheduleFacts> = {}): ScheduleFacts {
  return {
    planYear: 2025,
    calendar: new WorkingCalendar({ patron: null, closures: [] }),
    channels: [{ areaCode: "03", channelId: "C03" }],
    activities: [],
    heads: new Map([["03", ["UHEAD"]]]),
    users: new Map([
      ["UHEAD", "Claudia"],
      ["UMARIO", "Mario"],
    ]),
    absences: [],
    snoozes: [],
    preferences: new Map(),
    ...over,
  };
}

describe("send planner", () => {
  it("puts the digest on the first working day from DIGEST_CRON's weekday, else the last before it", () => {
    const cal = new WorkingCalendar({ patron: null, closures: [] });
    expect(digestDayOfWeek(cal, config, "2025-04-24")).toBe("2025-04-22");
    expect(digestDayOfWeek(cal, config, "2025-06-05")).toBe("2025-06-03");
    expect(digestDayOfWeek(cal, config, "2025-06-10")).toBe("2025-06-09");
    expect(digestDayOfWeek(cal, { ...config, digest: { weekday: 5, time: "17:00" } }, "2024-10-30")).toBe("2024-10-31");
    const closedWeek = new WorkingCalendar({
      patron: null,
      closures: ["2025-12-22", "2025-12-23", "2025-12-24", "2025-12-29", "2025-12-30", "2025-12-31"],
    });
    expect(digestDayOfWeek(closedWeek, config, "2025-12-23")).toBeNull();
  });

  it("is due at the planned instant, not before, in Rome time", () => {
    const f = facts();
    expect(dueAt(f, config, new Date(romeInstant("2025-04-22", "08:30").getTime() - 1000), new Set())).toEqual([]);
    expect(dueAt(f, config, romeInstant("2025-04-22", "08:30"), new Set()).map((s) => s.key)).toEqual([
      "digest:2025:03:2025-W17",
    ]);
    // Catch-up later in the week; never on the holiday itself.
    expect(dueAt(f, config, romeInstant("2025-04-24", "15:00"), new Set()).map((s) => s.kind)).toEqual(["digest"]);
    expect(dueAt(f, config, romeInstant("2025-04-21", "15:00"), new Set())).toEqual([]);
    expect(dueAt(f, config, romeInstant("2025-04-24", "15:00"), new Set(["digest:2025:03:2025-W17"]))).toEqual([]);
  });

  it("counts thresholds in working days and bundles a day's items in one message per person", () => {
    const f = facts({
      activities: [activity("3.1.1", "2025-04-28"), activity("3.1.2", "2025-04-28"), activity("3.1.3", "2025-04-10")],
    });
    const sends = planWindow(f, config, "2025-04-14", "2025-04-30", new Set());
    const dms = sends.filter((s) => s.kind !== "digest");
    // 7 working days before Monday 28 April (21 and 25 are holidays): Tuesday 15.
    expect(dms.map((s) => [s.date, s.activity])).toEqual([
      ["2025-04-14", "3.1.3"], // late since the 10th: the question, 2 working days late
      ["2025-04-15", "3.1.1, 3.1.2"],
      ["2025-04-24", "3.1.1, 3.1.2"],
      ["2025-04-29", "3.1.1, 3.1.2"], // the day after the deadline: the questions
    ]);
    expect(dms[3]!.kind).toBe("question");
    expect(dms[0]!.kind).toBe("question");
    expect(dms[1]!.items!.map((i) => i.workingDays)).toEqual([7, 7]);
  });

  it("caps a bundle and carries the rest to the next working day", () => {
    const many = Array.from({ length: BUNDLE_MAX_ITEMS + 3 }, (_, i) => activity(`3.1.${i + 1}`, "2025-05-09"));
    const dms = planWindow(facts({ activities: many }), config, "2025-04-30", "2025-05-06", new Set()).filter(
      (s) => s.kind !== "digest",
    );
    expect(dms[0]!.items).toHaveLength(BUNDLE_MAX_ITEMS);
    expect(dms[1]!.date).toBe("2025-05-02"); // 1 May is a holiday
    expect(dms[1]!.items).toHaveLength(3);
  });

  it("an absent person gets nothing; their items go to the head or wait, as the setting says", () => {
    const a = activity("3.1.1", "2025-08-20", { lastReporterId: "UMARIO" });
    const f = facts({
      activities: [a],
      absences: [{ userId: "UMARIO", from: "2025-08-10", to: "2025-08-25" }],
      heads: new Map([["03", ["UHEAD"]]]),
    });
    const sends = planWindow(f, config, "2025-08-01", "2025-08-31", new Set());
    expect(sends.filter((s) => s.recipient === "UMARIO").map((s) => s.date)).toEqual(["2025-08-08"]);
    const head = sends.filter((s) => s.recipient === "UHEAD" && s.date === "2025-08-19")[0]!;
    expect(head.items![0]!.onBehalfOf).toEqual(["UMARIO"]);
    const waiting = planWindow(f, { ...config, absenceRouting: "rientro" }, "2025-08-01", "2025-08-31", new Set());
    expect(waiting.filter((s) => s.recipient === "UHEAD" && s.date === "2025-08-19")[0]!.items![0]!.onBehalfOf).toEqual(
      [],
    );
  });

  it("respects snoozes and personal preferences", () => {
    const a = activity("3.1.1", "2025-05-20");
    const snoozed = facts({
      activities: [a],
      snoozes: [{ id: 1, userId: "UHEAD", code: "3.1.1", kind: "reminder", until: "2025-05-17" }],
    });
    const sends = planWindow(snoozed, config, "2025-05-09", "2025-05-20", new Set()).filter((s) => s.kind !== "digest");
    expect(sends.map((s) => s.date)).toEqual(["2025-05-19"]); // held from the 7-day reminder (9 May) to the Monday after the 17th
    expect(sends[0]!.items![0]!.keys.sort()).toEqual(["reminder:2025:3.1.1:2025-05-20:1:UHEAD", "snooze:1"]);
    const off = facts({ activities: [a], preferences: new Map([["UHEAD", { dmReminders: false, daysBefore: null }]]) });
    expect(planWindow(off, config, "2025-05-01", "2025-05-20", new Set()).filter((s) => s.kind !== "digest")).toEqual(
      [],
    );
    expect(personalThresholds([7, 1], { dmReminders: true, daysBefore: 3 })).toEqual([3, 1]);
    const early = facts({ activities: [a], preferences: new Map([["UHEAD", { dmReminders: true, daysBefore: 3 }]]) });
    expect(
      planWindow(early, config, "2025-05-01", "2025-05-20", new Set())
        .filter((s) => s.kind !== "digest")
        .map((s) => s.date),
    ).toEqual(["2025-05-15", "2025-05-19"]);
  });
});
