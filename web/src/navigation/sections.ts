/**
 * The app's sections: one entry each, with the permission a user needs to see it. The
 * sidebar and the routes are both built from this table, so adding a capability (funds,
 * capital calls, the LP portal...) is one entry here and its page.
 */
import type { Icon } from "@tabler/icons-react";
import {
  IconBriefcase,
  IconBuildingBank,
  IconCoins,
  IconListDetails,
  IconReceipt2,
  IconUserCircle,
  IconUsers,
  IconUsersGroup,
} from "@tabler/icons-react";
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export type SectionGroup = "Fund administration" | "Investor portal" | "Administration" | "Account";

/** The order groups appear in the sidebar. */
export const SECTION_GROUPS: readonly SectionGroup[] = [
  "Fund administration",
  "Investor portal",
  "Administration",
  "Account",
];

export interface AppSection {
  /** The URL path, without the leading slash. */
  path: string;
  label: string;
  icon: Icon;
  group: SectionGroup;
  /** The permission a user needs for this section; `null` for every signed-in user. */
  permission: string | null;
  page: LazyExoticComponent<ComponentType>;
}

export const SECTIONS: readonly AppSection[] = [
  {
    path: "funds",
    label: "Funds",
    icon: IconBuildingBank,
    group: "Fund administration",
    permission: "fund:read",
    page: lazy(() => import("../pages/funds/FundsSection")),
  },
  {
    path: "investors",
    label: "Investors",
    icon: IconUsersGroup,
    group: "Fund administration",
    permission: "investor:read",
    page: lazy(() => import("../pages/funds/investors/InvestorsSection")),
  },
  {
    path: "capital-calls",
    label: "Capital calls",
    icon: IconCoins,
    group: "Fund administration",
    permission: "capital_call:read",
    page: lazy(() => import("../pages/funds/calls/CapitalCallsSection")),
  },
  {
    path: "payments",
    label: "Payments",
    icon: IconReceipt2,
    group: "Fund administration",
    permission: "payment:read",
    page: lazy(() => import("../pages/funds/payments/PaymentsSection")),
  },
  {
    path: "portal",
    label: "My investments",
    icon: IconBriefcase,
    group: "Investor portal",
    permission: "lp_portal:read",
    page: lazy(() => import("../pages/portal/PortalSection")),
  },
  {
    path: "users",
    label: "Users",
    icon: IconUsers,
    group: "Administration",
    permission: "user:read",
    page: lazy(() => import("../pages/users/UsersPage")),
  },
  {
    path: "audit",
    label: "Audit log",
    icon: IconListDetails,
    group: "Administration",
    permission: "audit:read",
    page: lazy(() => import("../pages/audit/AuditPage")),
  },
  {
    path: "profile",
    label: "Profile",
    icon: IconUserCircle,
    group: "Account",
    permission: null,
    page: lazy(() => import("../pages/profile/ProfilePage")),
  },
];

export function canSee(section: Pick<AppSection, "permission">, permissions: readonly string[]): boolean {
  return section.permission === null || permissions.includes(section.permission);
}

/** The sections a user with `permissions` may open, in table order. */
export function visibleSections<S extends Pick<AppSection, "permission">>(
  permissions: readonly string[],
  sections: readonly S[],
): S[] {
  return sections.filter((section) => canSee(section, permissions));
}

/** Visible sections by group, groups in sidebar order, empty groups left out. */
export function groupSections<S extends Pick<AppSection, "permission" | "group">>(
  permissions: readonly string[],
  sections: readonly S[],
): { group: SectionGroup; sections: S[] }[] {
  const visible = visibleSections(permissions, sections);
  return SECTION_GROUPS.map((group) => ({
    group,
    sections: visible.filter((section) => section.group === group),
  })).filter((entry) => entry.sections.length > 0);
}
