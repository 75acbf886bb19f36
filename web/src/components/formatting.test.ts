import { describe, expect, it } from "vitest";

import { humanize } from "./formatting";

describe("humanize", () => {
  it("reads role and permission names as words, acronyms kept", () => {
    expect(humanize("fund_manager")).toBe("Fund manager");
    expect(humanize("api_key")).toBe("API key");
    expect(humanize("lp_portal")).toBe("LP portal");
    expect(humanize("capital_call:approve")).toBe("Capital call approve");
  });
});
