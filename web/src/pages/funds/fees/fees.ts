/** The rules of billing a fund's management fees as the pages apply them. */
import { humanize } from "../../../components/formatting";
import type { FeeRun } from "./queries";

/** The day after an ISO date, as the API writes dates. */
export function nextDay(isoDate: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/**
 * The period start to bill next: the day after the latest posted run (runs come latest period
 * first), else the fund's initial close; null when the fund has no close yet.
 */
export function nextBillingDate(runs: readonly FeeRun[], initialClose: string | null): string | null {
  const latest = runs.find((run) => run.status === "posted");
  return latest ? nextDay(latest.period_end) : initialClose;
}

/** The API's fee basis (`commitment`, `invested_cost`, `commitment+nav`...) as a person reads it. */
export function basisLabel(basis: string): string {
  return basis
    .split("+")
    .map((part, index) => (index === 0 ? humanize(part) : humanize(part).toLowerCase()))
    .join(", then ");
}
