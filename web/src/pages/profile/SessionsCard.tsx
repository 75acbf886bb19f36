import { Button, Group, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLogout2 } from "@tabler/icons-react";
import { useNavigate } from "react-router";

import { errorMessage } from "../../api/problem";
import { useLogout } from "../../auth/session";
import { SectionCard } from "./SectionCard";

export function SessionsCard() {
  const logout = useLogout();
  const navigate = useNavigate();

  return (
    <SectionCard title="Sessions" description="Lost a device or signed in somewhere you should not have?">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm">Log out everywhere ends every session of your account, this one included.</Text>
        <Button
          color="red"
          variant="light"
          leftSection={<IconLogout2 size={16} />}
          loading={logout.isPending}
          onClick={() =>
            logout.mutate(true, {
              onSuccess: () => {
                notifications.show({ message: "You are signed out on every device.", color: "teal" });
                void navigate("/login", { replace: true });
              },
              onError: (error) =>
                notifications.show({
                  title: "Could not log out everywhere",
                  message: errorMessage(error),
                  color: "red",
                }),
            })
          }
        >
          Log out everywhere
        </Button>
      </Group>
    </SectionCard>
  );
}
