/**
 * The app's sections: one entry each, with the permission a user needs to see it. The
 * sidebar and the routes are both built from this table, so adding a capability (funds,
 * capital calls, the LP portal...) is one entry here and its page.
 */
import type { Icon } from "@tabler/icons-react";
import { IconListDetails, IconUserCircle, IconUsers } from "@tabler/icons-react";
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export type SectionGroup = "Administration" | "Account";

/** The order groups appear in the sidebar. */
export const SECTION_GROUPS: readonly SectionGroup[] = ["Administration", "Account"];

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
