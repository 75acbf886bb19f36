/**
 * Amounts, rates and multiples as people read them. The API sends money as exact decimal
 * strings; a string becomes a number here only to be printed, never to be added up.
 */

const moneyFormats = new Map<string, Intl.NumberFormat>();
const compactFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(cache: Map<string, Intl.NumberFormat>, currency: string, compact: boolean) {
  let format = cache.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, {
        style: "currency",
        currency,
        ...(compact ? { notation: "compact", maximumFractionDigits: 1 } : {}),
      });
    } catch {
      format = new Intl.NumberFormat(undefined, compact ? { notation: "compact" } : {});
    }
    cache.set(currency, format);
  }
  return format;
}

/** `"1250000.00"` in USD → `$1,250,000.00`; nothing → an em dash. */
export function formatMoney(value: string | null | undefined, currency: string): string {
  if (value === null || value === undefined || value === "") return "—";
  const number = Number(value);
  if (!Number.isFinite(number)) return value;
  return currencyFormat(moneyFormats, currency, false).format(number);
}

/** A short form for cards and chart axes: `$1.3M`. */
export function formatMoneyCompact(value: string | number | null | undefined, currency: string): string {
  if (value === null || value === undefined || value === "") return "—";
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  return currencyFormat(compactFormats, currency, true).format(number);
}

const multipleFormat = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const percentFormat = new Intl.NumberFormat(undefined, {
  style: "percent",
  minimumFractionDigits: 1,
  maximumFractionDigits: 2,
});

/** A multiple such as TVPI: `1.2345` → `1.23x`; undefined (no paid-in capital yet) → `—`. */
export function formatMultiple(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "—"
    : `${multipleFormat.format(value)}x`;
}

/** A rate or return given as a fraction: `0.1523` → `15.2%`. */
export function formatPercent(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const number = Number(value);
  return Number.isFinite(number) ? percentFormat.format(number) : String(value);
}

/** True when a decimal string is below zero (for colouring, without parsing). */
export function isNegative(value: string | null | undefined): boolean {
  return value?.trim().startsWith("-") ?? false;
}

/** True when a decimal string is exactly zero (`"0"`, `"0.00"`, `"-0.00"`). */
export function isZero(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && /^[-+]?0*(\.0*)?$/.test(value.trim()) && /0/.test(value);
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** A positive amount as typed (`1,250,000.50` is accepted), as the decimal string the API takes. */
export function parseAmount(input: string): string | null {
  const cleaned = input.replace(/[\s,_]/g, "");
  if (!DECIMAL.test(cleaned) || !/[1-9]/.test(cleaned)) return null;
  return cleaned;
}

const SIGNED_DECIMAL = /^([-+]?)(\d+)(?:\.(\d+))?$/;

/**
 * The exact sum of the API's decimal strings (`["0.10", "0.20"]` → `"0.30"`), kept to the
 * most decimals among them, added as integers so no binary float rounds it. An entry that is
 * not a decimal is left out.
 */
export function sumAmounts(values: readonly string[]): string {
  const parts = values.flatMap((value) => {
    const match = SIGNED_DECIMAL.exec(value.trim());
    return match ? [{ negative: match[1] === "-", whole: match[2] ?? "0", fraction: match[3] ?? "" }] : [];
  });
  const scale = Math.max(0, ...parts.map((part) => part.fraction.length));
  let total = 0n;
  for (const part of parts) {
    const units = BigInt(part.whole + part.fraction.padEnd(scale, "0"));
    total += part.negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

function trimDecimal(digits: string, point: number): string {
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits;
  const at = point <= 0 ? 1 : point;
  const whole = padded.slice(0, at).replace(/^0+(?=\d)/, "") || "0";
  const fraction = padded.slice(at).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * A percentage as typed (`"8"`, `"12.5"`) as the exact fraction the API takes (`"0.08"`,
 * `"0.125"`), by moving the decimal point: no binary float on the way. Null when not a number.
 */
export function percentToFraction(input: string): string | null {
  const cleaned = input.trim().replace(/%$/, "").trim();
  if (!DECIMAL.test(cleaned)) return null;
  const [whole = "0", fraction = ""] = cleaned.split(".");
  return trimDecimal(whole + fraction, whole.length - 2);
}

/** The API's fraction (`"0.08"`) as the percentage a form shows (`"8"`), exactly. */
export function fractionToPercent(value: string): string {
  if (!DECIMAL.test(value)) return value;
  const [whole = "0", fraction = ""] = value.split(".");
  const digits = whole + fraction.padEnd(2, "0");
  return trimDecimal(digits, whole.length + 2);
}

/** Today as the API's `YYYY-MM-DD`, in the reader's time zone. */
export function todayIso(): string {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, "0");
  return `${now.getFullYear()}-${month}-${day}`;
}

/** The last day of the calendar quarter before the one `isoDate` falls in. */
export function previousQuarterEnd(isoDate: string): string {
  const [year = 1970, month = 1] = isoDate.split("-").map(Number);
  const quarterStartMonth = Math.floor((month - 1) / 3) * 3;
  const end = new Date(Date.UTC(year, quarterStartMonth, 0));
  return end.toISOString().slice(0, 10);
}

/** `2025-03-31` → `Q1 2025`, for chart axes. */
export function quarterLabel(isoDate: string): string {
  const [year, month = 1] = isoDate.split("-").map(Number);
  return `Q${Math.floor((month - 1) / 3) + 1} ${year}`;
}
