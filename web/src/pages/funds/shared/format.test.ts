import { describe, expect, it } from "vitest";

import {
  formatMultiple,
  fractionToPercent,
  isZero,
  parseAmount,
  percentToFraction,
  previousQuarterEnd,
  quarterLabel,
  sumAmounts,
} from "./format";

describe("percentToFraction", () => {
  it("moves the decimal point exactly, with no float on the way", () => {
    expect(percentToFraction("8")).toBe("0.08");
    expect(percentToFraction("12.5")).toBe("0.125");
    expect(percentToFraction("100")).toBe("1");
    expect(percentToFraction("0.1")).toBe("0.001");
    expect(percentToFraction("20 %")).toBe("0.2");
    expect(percentToFraction("0")).toBe("0");
  });

  it("refuses what is not a number", () => {
    expect(percentToFraction("eight")).toBeNull();
    expect(percentToFraction("-2")).toBeNull();
    expect(percentToFraction("")).toBeNull();
  });

  it("round-trips with fractionToPercent", () => {
    for (const percent of ["8", "1.5", "100", "0.125", "0"]) {
      expect(fractionToPercent(percentToFraction(percent) ?? "")).toBe(percent);
    }
  });
});

describe("parseAmount", () => {
  it("takes an amount as people type it and gives the API's decimal string", () => {
    expect(parseAmount("1,250,000.50")).toBe("1250000.50");
    expect(parseAmount(" 2500000 ")).toBe("2500000");
  });

  it("refuses zero, negatives and words", () => {
    expect(parseAmount("0.00")).toBeNull();
    expect(parseAmount("-5")).toBeNull();
    expect(parseAmount("a lot")).toBeNull();
  });
});

describe("sumAmounts", () => {
  it("adds decimal strings exactly, to the most decimals among them", () => {
    expect(sumAmounts(["0.10", "0.20"])).toBe("0.30");
    expect(sumAmounts(["1250000.50", "2500000", "0.005"])).toBe("3750000.505");
    expect(sumAmounts(["-5.25", "2.00"])).toBe("-3.25");
    expect(sumAmounts(["0.01", "-0.01"])).toBe("0.00");
    expect(sumAmounts([])).toBe("0");
  });
});

describe("figures", () => {
  it("reads zero from a decimal string without parsing it as a float", () => {
    expect(isZero("0.00")).toBe(true);
    expect(isZero("-0.00")).toBe(true);
    expect(isZero("0.01")).toBe(false);
    expect(isZero("")).toBe(false);
  });

  it("prints a multiple, or a dash when it is undefined", () => {
    expect(formatMultiple(1.2345)).toMatch(/^1[.,]23x$/);
    expect(formatMultiple(null)).toBe("—");
  });

  it("finds the quarter before a date and labels quarters", () => {
    expect(previousQuarterEnd("2025-05-14")).toBe("2025-03-31");
    expect(previousQuarterEnd("2025-01-02")).toBe("2024-12-31");
    expect(quarterLabel("2025-09-30")).toBe("Q3 2025");
  });
});
