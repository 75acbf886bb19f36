import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ResponseOf } from "../../../api/types";
import type { Me } from "../../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import { CallDetail } from "./CallDetailPage";
import { canApproveCall } from "./callRules";

type Call = ResponseOf<"/api/v1/capital-calls/{call_id}", "get">;

const CALL: Call = {
  id: "call-1",
  fund_id: "fund-1",
  fund_name: "Northwind Growth Fund II",
  currency: "USD",
  number: 7,
  purpose: "investment",
  basis: "commitment",
  amount: "1000000.00",
  amount_due: "1000000.00",
  paid_amount: "0.00",
  outstanding: "1000000.00",
  call_date: "2026-03-02",
  due_date: "2026-03-16",
  status: "draft",
  is_overdue: false,
  description: null,
  created_by: "user-manager",
  approved_by: null,
  approved_at: null,
  issued_at: null,
  cancelled_at: null,
  paid_at: null,
  ledger_entry_id: null,
  created_at: "2026-03-01T10:00:00Z",
  allocations: [
    {
      id: "a-1",
      commitment_id: "c-1",
      investor_id: "i-1",
      investor_name: "Alder Creek College Endowment",
      sequence: 1,
      amount: "1000000.00",
      equalization_interest: "0.00",
      amount_due: "1000000.00",
      paid_amount: "0.00",
      outstanding: "1000000.00",
      status: "unpaid",
      payment_reference: "NGF2-C7-001",
    },
  ],
};

function me(role: string, permissions: string[]): Me {
  return {
    user: {
      id: "user-1",
      email: "a@example.com",
      full_name: "A Person",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
    role,
    permissions,
    memberships: [],
  };
}

const WRITER = ["capital_call:read", "capital_call:write", "payment:write"];
const APPROVER = [...WRITER, "capital_call:approve"];

function stubApi(who: Me, onApprove?: () => Response, onIssue?: () => Response) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path === "/api/v1/me") return jsonResponse(who);
      if (path === "/api/v1/capital-calls/call-1/approve" && onApprove) return onApprove();
      if (path === "/api/v1/capital-calls/call-1/issue" && onIssue) return onIssue();
      if (path === "/api/v1/capital-calls/call-1") return jsonResponse(CALL);
      throw new Error(`unexpected request to ${path}`);
    }),
  );
}

const SECOND_LP = {
  ...CALL.allocations[0]!,
  id: "a-2",
  commitment_id: "c-2",
  investor_id: "i-2",
  investor_name: "Cascade Teachers' Retirement System",
  sequence: 2,
  payment_reference: "NGF2-C7-002",
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the approve rule", () => {
  it("offers approval of a draft to holders of capital_call:approve only", () => {
    expect(canApproveCall(APPROVER, CALL)).toBe(true);
    expect(canApproveCall(WRITER, CALL)).toBe(false);
    expect(canApproveCall(APPROVER, { ...CALL, status: "approved" })).toBe(false);
    expect(canApproveCall(APPROVER, { ...CALL, status: "issued" })).toBe(false);
  });

  it("does not offer approval to the call's author", () => {
    expect(canApproveCall(APPROVER, CALL, "user-manager")).toBe(false);
    expect(canApproveCall(APPROVER, CALL, "user-1")).toBe(true);
  });
});

describe("CallDetail", () => {
  it("shows Approve to an approver", async () => {
    stubApi(me("accountant", APPROVER));
    renderWithProviders(<CallDetail call={CALL} />);
    expect(await screen.findByRole("button", { name: "Approve" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cancel call" })).toBeInTheDocument();
  });

  it("hides Approve from someone without the permission and says who may approve", async () => {
    stubApi(me("analyst", WRITER));
    renderWithProviders(<CallDetail call={CALL} />);
    expect(await screen.findByText(/Waiting for approval/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument();
  });

  it("does not offer Approve to the call's author, and says why", async () => {
    stubApi({ ...me("fund_manager", APPROVER), user: { ...me("x", []).user, id: "user-manager" } });
    renderWithProviders(<CallDetail call={CALL} />);
    expect(
      await screen.findByText(/You drafted this call, so someone else must approve it/),
    ).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument();
  });

  it("asks before issuing, saying what will happen, then tells how many notices went out", async () => {
    const user = userEvent.setup();
    const approved: Call = {
      ...CALL,
      status: "approved",
      approved_at: "2026-03-01T12:00:00Z",
      allocations: [...CALL.allocations, SECOND_LP],
    };
    const issue = vi.fn(() =>
      jsonResponse({ ...approved, status: "issued", issued_at: "2026-03-02T09:00:00Z" }),
    );
    stubApi(me("accountant", APPROVER), undefined, issue);
    renderWithProviders(<CallDetail call={approved} />);

    await user.click(await screen.findByRole("button", { name: "Issue to LPs" }));
    const dialog = await screen.findByRole("dialog", { name: "Issue the capital call to the LPs" });
    expect(dialog).toHaveTextContent("2 notices, one to each LP");
    expect(dialog).toHaveTextContent("$1,000,000.00");
    expect(dialog).toHaveTextContent("receivable");
    expect(issue).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole("button", { name: "Issue 2 notices" }));
    expect(await screen.findByTestId("issued-notices")).toHaveTextContent("2 notices issued");
    expect(issue).toHaveBeenCalledTimes(1);
  });

  it("issues nothing when the confirmation is declined", async () => {
    const user = userEvent.setup();
    const issue = vi.fn(() => jsonResponse(CALL));
    stubApi(me("accountant", APPROVER), undefined, issue);
    renderWithProviders(<CallDetail call={{ ...CALL, status: "approved" }} />);

    await user.click(await screen.findByRole("button", { name: "Issue to LPs" }));
    await user.click(await screen.findByRole("button", { name: "Not yet" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(issue).not.toHaveBeenCalled();
  });

  it("hides Approve once the call is approved, and offers to issue it", async () => {
    stubApi(me("accountant", APPROVER));
    renderWithProviders(
      <CallDetail call={{ ...CALL, status: "approved", approved_at: "2026-03-01T12:00:00Z" }} />,
    );
    expect(await screen.findByRole("button", { name: "Issue to LPs" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument();
  });

  it("lists the late closers' catch-up of an equalization call, and only of one", async () => {
    stubApi(me("accountant", APPROVER));
    const equalization: Call["equalization"] = [
      {
        commitment_id: "c-1",
        investor_name: "Alder Creek College Endowment",
        kind: "fee",
        source_call_id: null,
        source_fee_run_id: "run-1",
        due_date: "2025-01-15",
        amount: "12500.00",
        rate: "0.08",
        days: 120,
        interest: "328.77",
      },
    ];
    const { unmount } = renderWithProviders(
      <CallDetail call={{ ...CALL, purpose: "equalization", equalization }} />,
    );
    expect(await screen.findByRole("table", { name: "Equalization catch-up" })).toHaveTextContent(
      "Management fee",
    );
    unmount();

    renderWithProviders(<CallDetail call={{ ...CALL, equalization: [] }} />);
    expect(await screen.findByRole("table", { name: "Allocations" })).toBeInTheDocument();
    expect(screen.queryByText("Catch-up of the late closers")).not.toBeInTheDocument();
  });

  it("shows the API's maker/checker refusal when the author tries to approve", async () => {
    const user = userEvent.setup();
    stubApi(me("fund_manager", APPROVER), () =>
      problemResponse(409, "Conflict", "A capital call must be approved by someone other than its author."),
    );
    renderWithProviders(<CallDetail call={CALL} />);

    await user.click(await screen.findByRole("button", { name: "Approve" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The call could not be approved");
    expect(alert).toHaveTextContent("must be approved by someone other than its author");
    await waitFor(() => expect(screen.getByTestId("call-status")).toHaveTextContent("Draft"));
  });
});
