import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Me } from "../auth/session";
import { AppLayout } from "../layout/AppLayout";
import { renderWithProviders } from "../test/render";
import { SECTIONS, groupSections, visibleSections } from "./sections";

const ADMIN = ["user:read", "user:invite", "user:manage", "audit:read", "fund:read", "org:manage"];
const COMPLIANCE = ["user:read", "audit:read", "org:read"];
const FUND_MANAGER = ["user:read", "fund:read", "org:read"];
const LIMITED_PARTNER = ["lp_portal:read"];
const FUND_OPERATIONS = ["fund:read", "investor:read", "capital_call:read", "payment:read"];

const paths = (permissions: string[]) => visibleSections(permissions, SECTIONS).map((s) => s.path);

function me(role: string, permissions: string[], memberships: Me["memberships"] = []): Me {
  return {
    user: {
      id: "6b1c1f7e-0000-4000-8000-000000000001",
      email: "someone@example.com",
      full_name: "Someone Example",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
    role,
    permissions,
    memberships,
  };
}

describe("visibleSections", () => {
  it("gives an administrator funds, users, audit and profile", () => {
    expect(paths(ADMIN)).toEqual(["funds", "users", "audit", "profile"]);
  });

  it("gives each section only to those holding its permission", () => {
    expect(paths(COMPLIANCE)).toEqual(["users", "audit", "profile"]);
    expect(paths(FUND_MANAGER)).toEqual(["funds", "users", "profile"]);
    expect(paths(FUND_OPERATIONS)).toEqual(["funds", "investors", "capital-calls", "payments", "profile"]);
  });

  it("gives a limited partner the portal and the profile only", () => {
    expect(paths(LIMITED_PARTNER)).toEqual(["portal", "profile"]);
    expect(paths([])).toEqual(["profile"]);
  });

  it("groups sections in sidebar order and drops empty groups", () => {
    const groups = groupSections(LIMITED_PARTNER, SECTIONS);
    expect(groups.map((g) => g.group)).toEqual(["Investor portal", "Account"]);
    expect(groupSections(ADMIN, SECTIONS).map((g) => g.group)).toEqual([
      "Fund administration",
      "Administration",
      "Account",
    ]);
  });
});

describe("AppLayout navigation", () => {
  it("shows an administrator the Users and Audit links", () => {
    renderWithProviders(<AppLayout me={me("admin", ADMIN)} />, { route: "/profile" });
    const nav = screen.getByRole("navigation", { name: /main navigation/i });

    expect(within(nav).getByRole("link", { name: "Users" })).toHaveAttribute("href", "/users");
    expect(within(nav).getByRole("link", { name: "Audit log" })).toHaveAttribute("href", "/audit");
    expect(within(nav).getByRole("link", { name: "Profile" })).toHaveAttribute("href", "/profile");
  });

  it("hides Users and Audit from a limited partner", () => {
    renderWithProviders(<AppLayout me={me("limited_partner", LIMITED_PARTNER)} />, { route: "/profile" });
    const nav = screen.getByRole("navigation", { name: /main navigation/i });

    expect(within(nav).queryByRole("link", { name: "Users" })).not.toBeInTheDocument();
    expect(within(nav).queryByRole("link", { name: "Audit log" })).not.toBeInTheDocument();
    expect(within(nav).getByRole("link", { name: "Profile" })).toBeInTheDocument();
  });

  it("offers the organization switcher only with several memberships", () => {
    const single = renderWithProviders(<AppLayout me={me("admin", ADMIN)} />);
    expect(screen.queryByRole("button", { name: /switch organization/i })).not.toBeInTheDocument();
    expect(screen.getByTestId("organization-name")).toHaveTextContent("Northwind Capital");
    single.unmount();

    renderWithProviders(
      <AppLayout
        me={me("admin", ADMIN, [
          { org_id: "org-1", org_name: "Northwind Capital", role: "admin" },
          { org_id: "org-2", org_name: "Harbor Ventures", role: "limited_partner" },
        ])}
      />,
    );
    expect(screen.getByRole("button", { name: /switch organization/i })).toBeInTheDocument();
  });
});
