const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** A timestamp from the API (ISO 8601, UTC) in the reader's locale and time zone. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
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
