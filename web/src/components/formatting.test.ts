import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { humanize } from "./formatting";

describe("formatDate", () => {
  const zone = process.env.TZ;
  beforeAll(() => {
    // West of Greenwich, where midnight UTC is still the day before.
    process.env.TZ = "America/New_York";
  });
  afterAll(() => {
    process.env.TZ = zone;
  });

  it("shows a calendar date as that day in every time zone", async () => {
    vi.resetModules();
    const { formatDate } = await import("./formatting");
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe("America/New_York");
    const shown = formatDate("2025-01-15");
    expect(shown).toMatch(/15/);
    expect(shown).not.toMatch(/14/);
    expect(formatDate("2025-01-01")).toMatch(/2025/);
    expect(formatDate(null)).toBe("—");
    expect(formatDate("not a date")).toBe("not a date");
  });
});

describe("humanize", () => {
  it("reads role and permission names as words, acronyms kept", () => {
    expect(humanize("fund_manager")).toBe("Fund manager");
    expect(humanize("api_key")).toBe("API key");
    expect(humanize("lp_portal")).toBe("LP portal");
    expect(humanize("capital_call:approve")).toBe("Capital call approve");
  });
});
