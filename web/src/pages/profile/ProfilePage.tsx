import { SimpleGrid, Stack } from "@mantine/core";

import { useMe } from "../../auth/session";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FullPageLoader } from "../../components/FullPageLoader";
import { PageHeader } from "../../components/PageHeader";
import { ApiKeysCard } from "./ApiKeysCard";
import { MfaCard } from "./MfaCard";
import { PasswordCard } from "./PasswordCard";
import { ProfileDetailsCard } from "./ProfileDetailsCard";
import { SessionsCard } from "./SessionsCard";

export default function ProfilePage() {
  const me = useMe();

  if (me.isPending) return <FullPageLoader label="Loading your profile" inline />;
  if (me.isError) {
    return <ErrorAlert error={me.error} onRetry={() => void me.refetch()} isRetrying={me.isFetching} />;
  }

  const canManageKeys = me.data.permissions.includes("api_key:manage");

  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader
        title="Profile"
        description="Your details, password, two-factor authentication and API keys."
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <ProfileDetailsCard me={me.data} />
        <PasswordCard />
      </SimpleGrid>
      <MfaCard mfaEnabled={me.data.user.mfa_enabled} />
      {canManageKeys ? <ApiKeysCard permissions={me.data.permissions} /> : null}
      <SessionsCard />
    </Stack>
  );
}
