import { Badge } from "@mantine/core";

import { humanize } from "../../../components/formatting";

const COLORS: Record<string, string> = {
  draft: "gray",
  approved: "blue",
  issued: "indigo",
  unpaid: "orange",
  partially_paid: "yellow",
  paid: "teal",
  cancelled: "red",
  fundraising: "grape",
  investing: "blue",
  harvesting: "teal",
  liquidated: "gray",
  active: "teal",
  transferred: "gray",
  exited: "blue",
  written_off: "red",
  matched: "teal",
  unmatched: "red",
  ambiguous: "yellow",
  applied: "indigo",
  ready: "teal",
  queued: "gray",
  running: "blue",
  succeeded: "teal",
  failed: "red",
  posted: "teal",
  recorded: "teal",
};

/** A workflow status (a call's, a distribution's, a fund's...) as a coloured badge. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? "gray"} variant="light" data-status={status}>
      {humanize(status)}
    </Badge>
  );
}
