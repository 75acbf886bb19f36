import { Tabs } from "@mantine/core";
import { IconMailForward, IconShieldLock, IconUsers } from "@tabler/icons-react";
import { useSearchParams } from "react-router";

import { hasPermission, useMe } from "../../auth/session";
import { PageHeader } from "../../components/PageHeader";
import { InvitationsPanel } from "./InvitationsPanel";
import { MembersPanel } from "./MembersPanel";
import { RolesPanel } from "./RolesPanel";

const TABS = ["members", "invitations", "roles"] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return value !== null && (TABS as readonly string[]).includes(value);
}

export default function UsersPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = isTab(params.get("tab")) ? (params.get("tab") as Tab) : "members";
  const canInvite = hasPermission(me.data, "user:invite");

  return (
    <>
      <PageHeader
        title="Users"
        description={`People in ${me.data?.organization.name ?? "your organization"}, their roles and invitations.`}
      />
      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(isTab(value) && value !== "members" ? { tab: value } : {}, { replace: true })
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="members" leftSection={<IconUsers size={16} />}>
            Members
          </Tabs.Tab>
          {canInvite ? (
            <Tabs.Tab value="invitations" leftSection={<IconMailForward size={16} />}>
              Invitations
            </Tabs.Tab>
          ) : null}
          <Tabs.Tab value="roles" leftSection={<IconShieldLock size={16} />}>
            Roles and permissions
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="members">
          <MembersPanel />
        </Tabs.Panel>
        {canInvite ? (
          <Tabs.Panel value="invitations">
            <InvitationsPanel />
          </Tabs.Panel>
        ) : null}
        <Tabs.Panel value="roles">
          <RolesPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
