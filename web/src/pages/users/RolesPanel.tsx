import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";

import { ErrorAlert } from "../../components/ErrorAlert";
import { TableSkeleton } from "../../components/TableSkeleton";
import { humanize } from "../../components/formatting";
import { useRoles } from "./queries";

/** Permissions grouped by resource (`fund:read`, `fund:write` → fund: read, write). */
function byResource(permissions: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const permission of [...permissions].sort()) {
    const [resource = permission, action = ""] = permission.split(":");
    groups.set(resource, [...(groups.get(resource) ?? []), action]);
  }
  return [...groups.entries()];
}

export function RolesPanel() {
  const roles = useRoles();

  if (roles.isPending) return <TableSkeleton label="Loading roles" rows={4} />;
  if (roles.isError) {
    return (
      <ErrorAlert error={roles.error} onRetry={() => void roles.refetch()} isRetrying={roles.isFetching} />
    );
  }

  return (
    <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
      {roles.data.map((role) => (
        <Card key={role.role} padding="md" component="article" aria-label={humanize(role.role)}>
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={3} size="h5">
                {humanize(role.role)}
              </Title>
              {role.external ? (
                <Badge color="grape" variant="light">
                  External
                </Badge>
              ) : (
                <Badge variant="light">Staff</Badge>
              )}
            </Group>
            {role.permissions.length === 0 ? (
              <Text size="sm" c="dimmed">
                No permissions: sees only what is shared with them.
              </Text>
            ) : (
              <Stack gap={6}>
                {byResource(role.permissions).map(([resource, actions]) => (
                  <Group key={resource} gap={6} wrap="wrap">
                    <Text size="xs" fw={600} w={130}>
                      {humanize(resource)}
                    </Text>
                    {actions.map((action) => (
                      <Badge key={action} size="xs" variant="outline" color="gray">
                        {action.replace(/_/g, " ")}
                      </Badge>
                    ))}
                  </Group>
                ))}
              </Stack>
            )}
          </Stack>
        </Card>
      ))}
    </SimpleGrid>
  );
}
