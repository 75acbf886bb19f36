import { ActionIcon, Button, CopyButton, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";

interface CopyValueButtonProps {
  value: string;
  label: string;
  /** An icon-only button (for a value shown next to it), or a labelled one. */
  compact?: boolean;
}

export function CopyValueButton({ value, label, compact = false }: CopyValueButtonProps) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) =>
        compact ? (
          <Tooltip label={copied ? "Copied" : label} withArrow>
            <ActionIcon variant="subtle" color={copied ? "teal" : "gray"} onClick={copy} aria-label={label}>
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        ) : (
          <Button
            variant="light"
            color={copied ? "teal" : undefined}
            leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            onClick={copy}
          >
            {copied ? "Copied" : label}
          </Button>
        )
      }
    </CopyButton>
  );
}
