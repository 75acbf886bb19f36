import { Skeleton, Stack } from "@mantine/core";

/** Placeholder rows while a list loads, so the page does not jump when it arrives. */
export function TableSkeleton({ rows = 5, label }: { rows?: number; label: string }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label={label}>
      <Skeleton height={34} />
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} height={28} />
      ))}
    </Stack>
  );
}
