import { describe, expect, it } from "vitest";
import { UserError, userMessageOf } from "../../src/errors.ts";
import { errorText, GENERIC_ERROR_MESSAGE } from "../../src/messages/errors.ts";

describe("the error catalogue, rendered per surface", () => {
  it("Slack gets a mention, the console and the CLI the id", () => {
    const e = new UserError({ code: "not_author", authorId: "U0NODARI" });
    expect(e.textFor("slack")).toContain("(<@U0NODARI>)");
    expect(e.textFor("console")).toContain("(U0NODARI)");
    expect(e.textFor("cli")).toContain("(U0NODARI)");
    expect(e.textFor("cli")).not.toContain("<@");
    expect(e.message).toBe(e.textFor("slack"));
  });

  it("a slash command is typed as is in Slack and the console, and said to be Slack's on the command line", () => {
    const e = { code: "undo_expired", minutes: 15, activityCode: "3.1.2" } as const;
    expect(errorText(e, "slack")).toContain("«/obiettivo 3.1.2 in corso».");
    expect(errorText(e, "console")).toContain("«/obiettivo 3.1.2 in corso».");
    expect(errorText(e, "cli")).toContain("«/obiettivo 3.1.2 in corso» in Slack.");
  });

  it("keeps the code and the data, so a surface can decide, and anything else is the generic message", () => {
    const e = new UserError({ code: "unknown_code", context: "report", activityCode: "9.9.9", year: 2024 });
    expect(e.code).toBe("unknown_code");
    expect(e.error).toMatchObject({ activityCode: "9.9.9", year: 2024 });
    expect(userMessageOf(e, "cli")).toBe(
      "L'attività 9.9.9 non è nel piano 2024 in vigore (forse è stata tolta da un nuovo piano).",
    );
    expect(userMessageOf(new Error("dettaglio interno"), "console")).toBe(GENERIC_ERROR_MESSAGE);
  });
});
