const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
/** A calendar date names the same day everywhere: it is read and written as a UTC day. */
const calendarDay = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A timestamp from the API (ISO 8601, UTC) in the reader's locale and time zone. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

/**
 * A date in the reader's locale. A calendar date from the API ("2025-01-15") is that day for
 * every reader, west of Greenwich too; a timestamp shows the reader's local day.
 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
  if (ISO_DAY.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(day.getTime()) ? value : calendarDay.format(day);
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateOnly.format(date);
}

const ACRONYMS: Record<string, string> = {
  api: "API",
  lp: "LP",
  gp: "GP",
  mfa: "MFA",
  kyc: "KYC",
  aml: "AML",
};

/** `fund_manager` → `Fund manager`, `api_key` → `API key`: names as a person reads them. */
export function humanize(value: string): string {
  const words = value
    .replace(/[_:.]+/g, " ")
    .trim()
    .split(/\s+/)
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word);
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
