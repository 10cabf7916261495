import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectWhenQuiet } from "../src/quiet-gc.ts";
import { InFlight } from "../src/slack/app.ts";

describe("one collection when the bot has been quiet", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("collects once after the last piece of work, only when nothing new started meanwhile", async () => {
    const gc = vi.fn();
    const inFlight = new InFlight();
    inFlight.observe(collectWhenQuiet(gc, 2_000));
    await inFlight.track(Promise.resolve(1));
    await vi.advanceTimersByTimeAsync(1_500);
    // new work before the quiet spell ends: no collection under it
    let finish!: () => void;
    const running = inFlight.track(new Promise<void>((r) => (finish = r)));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(gc).not.toHaveBeenCalled();
    finish();
    await running;
    await vi.advanceTimersByTimeAsync(1_999);
    expect(gc).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(gc).toHaveBeenCalledTimes(1);
    // quiet stays quiet: no collection every 2 s
    await vi.advanceTimersByTimeAsync(60_000);
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it("does nothing where node was started without --expose-gc", async () => {
    const inFlight = new InFlight();
    inFlight.observe(collectWhenQuiet(undefined, 10));
    await inFlight.track(Promise.resolve());
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBe(0);
  });
});
