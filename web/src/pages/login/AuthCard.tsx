import { Center, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

import classes from "./AuthCard.module.css";

/** The frame of the signed-out pages: brand, a title, and one card. */
export function AuthCard({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
}) {
  return (
    <Center className={classes.page} component="main">
      <Stack w="100%" maw={420} gap="lg" px="md">
        <Stack gap={6} align="center">
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <Title order={1} size="h2" ta="center">
            {title}
          </Title>
          {subtitle ? (
            <Text c="dimmed" size="sm" ta="center">
              {subtitle}
            </Text>
          ) : null}
        </Stack>
        <Paper p="xl" shadow="sm" radius="md">
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
