import { Paper, Table } from "@mantine/core";
import type { ReactNode } from "react";

/** A list table on its own white card, scrolling sideways on narrow screens. */
export function TableCard({ minWidth, children }: { minWidth: number; children: ReactNode }) {
  return (
    <Paper radius="md" style={{ overflow: "hidden" }}>
      <Table.ScrollContainer minWidth={minWidth} type="native">
        {children}
      </Table.ScrollContainer>
    </Paper>
  );
}
