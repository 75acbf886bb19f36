import {
  AppShell,
  Avatar,
  Burger,
  Group,
  Loader,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconBuilding,
  IconCheck,
  IconChevronDown,
  IconLogout,
  IconLogout2,
  IconSelector,
  IconUserCircle,
} from "@tabler/icons-react";
import { Suspense } from "react";
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from "react-router";

import { errorMessage } from "../api/problem";
import { useLogout, useSwitchOrganization, type Me } from "../auth/session";
import { FullPageLoader } from "../components/FullPageLoader";
import { humanize } from "../components/formatting";
import { SECTIONS, groupSections } from "../navigation/sections";
import classes from "./AppLayout.module.css";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase();
}

function OrganizationSwitcher({ me }: { me: Me }) {
  const switchOrg = useSwitchOrganization();
  const navigate = useNavigate();

  if (me.memberships.length < 2) {
    return (
      <Group gap={6} className={classes.orgName} wrap="nowrap">
        <IconBuilding size={16} aria-hidden />
        <Text fw={600} size="sm" truncate data-testid="organization-name">
          {me.organization.name}
        </Text>
      </Group>
    );
  }

  const choose = (orgId: string, name: string) => {
    if (orgId === me.organization.id) return;
    switchOrg.mutate(orgId, {
      onSuccess: () => {
        notifications.show({ message: `Now working in ${name}.`, color: "teal" });
        void navigate("/");
      },
      onError: (error) =>
        notifications.show({ title: "Could not switch", message: errorMessage(error), color: "red" }),
    });
  };

  return (
    <Menu position="bottom-start" width={280} shadow="md">
      <Menu.Target>
        <UnstyledButton className={classes.orgButton} aria-label="Switch organization">
          <Group gap={6} wrap="nowrap">
            <IconBuilding size={16} aria-hidden />
            <Text fw={600} size="sm" truncate data-testid="organization-name">
              {me.organization.name}
            </Text>
            {switchOrg.isPending ? <Loader size={14} /> : <IconSelector size={14} aria-hidden />}
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Your organizations</Menu.Label>
        {me.memberships.map((membership) => (
          <Menu.Item
            key={membership.org_id}
            onClick={() => choose(membership.org_id, membership.org_name)}
            rightSection={
              membership.org_id === me.organization.id ? <IconCheck size={14} aria-label="current" /> : null
            }
          >
            <Text size="sm">{membership.org_name}</Text>
            <Text size="xs" c="dimmed">
              {humanize(membership.role)}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function UserMenu({ me }: { me: Me }) {
  const logout = useLogout();
  const navigate = useNavigate();

  const signOut = (everywhere: boolean) => {
    logout.mutate(everywhere, {
      onSuccess: () => {
        if (everywhere) {
          notifications.show({ message: "You are signed out on every device.", color: "teal" });
        }
        void navigate("/login", { replace: true });
      },
      onError: (error) =>
        notifications.show({ title: "Could not log out", message: errorMessage(error), color: "red" }),
    });
  };

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton className={classes.userButton} aria-label="Account menu">
          <Group gap="xs" wrap="nowrap">
            <Avatar color="fundhouse" radius="xl" size={32}>
              {initials(me.user.full_name || me.user.email)}
            </Avatar>
            <Stack gap={0} visibleFrom="sm" className={classes.userText}>
              <Text size="sm" fw={500} truncate>
                {me.user.full_name}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {humanize(me.role)}
              </Text>
            </Stack>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.user.email}</Menu.Label>
        <Menu.Item component={Link} to="/profile" leftSection={<IconUserCircle size={16} />}>
          Profile
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => signOut(false)}>
          Log out
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout2 size={16} />} onClick={() => signOut(true)}>
          Log out everywhere
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The signed-in frame: header with organization and user menu, sidebar of permitted sections. */
export function AppLayout({ me }: { me: Me }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const groups = groupSections(me.permissions, SECTIONS);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap" className={classes.headerStart}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? "Close navigation" : "Open navigation"}
            />
            <Link to="/" className={classes.brand} aria-label="Fundhouse home">
              <img src="/favicon.svg" alt="" width={28} height={28} />
              <Title order={4} visibleFrom="xs">
                Fundhouse
              </Title>
            </Link>
            <OrganizationSwitcher me={me} />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <UserMenu me={me} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <ScrollArea type="never">
          <div>
            {groups.map(({ group, sections }) => (
              <div key={group} className={classes.navGroup}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>
                  {group}
                </Text>
                {sections.map((section) => (
                  <NavLink
                    key={section.path}
                    component={RouterNavLink}
                    to={`/${section.path}`}
                    label={section.label}
                    active={
                      location.pathname === `/${section.path}` ||
                      location.pathname.startsWith(`/${section.path}/`)
                    }
                    leftSection={<section.icon size={18} stroke={1.6} aria-hidden />}
                    onClick={close}
                  />
                ))}
              </div>
            ))}
          </div>
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main className={classes.main}>
        <Suspense fallback={<FullPageLoader label="Loading page" inline />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
