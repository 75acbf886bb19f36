import { Center, Loader, Stack, Text } from "@mantine/core";

interface FullPageLoaderProps {
  label?: string;
  /** Inside the app frame rather than across the whole window. */
  inline?: boolean;
}

export function FullPageLoader({ label = "Loading", inline = false }: FullPageLoaderProps) {
  return (
    <Center h={inline ? 240 : "100vh"} role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader />
        <Text size="sm" c="dimmed">
          {label}…
        </Text>
      </Stack>
    </Center>
  );
}
