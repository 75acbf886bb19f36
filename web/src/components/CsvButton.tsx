import { Button } from "@mantine/core";
import { IconFileTypeCsv } from "@tabler/icons-react";

/** A link that downloads a list as CSV (the API exports every matching row, not one page). */
export function CsvButton({ href, label = "Export CSV" }: { href: string; label?: string }) {
  return (
    <Button
      component="a"
      href={href}
      download
      variant="default"
      size="sm"
      leftSection={<IconFileTypeCsv size={16} aria-hidden />}
    >
      {label}
    </Button>
  );
}
