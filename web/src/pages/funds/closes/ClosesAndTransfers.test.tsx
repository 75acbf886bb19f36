import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Me } from "../../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import { CallDetailPage } from "../calls/CallDetailPage";
import { CommitmentsTab } from "../fund/CommitmentsTab";
import { todayIso } from "../shared/format";
import type { Fund } from "../shared/queries";
import type { Close, Commitment, EqualizationCall, Transfer } from "./queries";

const FUND = {
  id: "fund-1",
  name: "Northwind Growth Fund II",
  currency: "USD",
  initial_close_date: "2025-01-15",
} as const satisfies Partial<Fund>;

const INITIAL: Close = {
  id: "close-1",
  fund_id: "fund-1",
  number: 1,
  close_date: "2025-01-15",
  is_initial: true,
  created_at: "2025-01-15T10:00:00Z",
};

const SECOND: Close = {
  id: "close-2",
  fund_id: "fund-1",
  number: 2,
  close_date: "2025-06-30",
  is_initial: false,
  created_at: "2025-06-30T10:00:00Z",
};

function commitment(
  id: string,
  sequence: number,
  investor: [string, string],
  close: Close,
  amount: string,
  called: string,
): Commitment {
  return {
    id,
    fund_id: "fund-1",
    fund_name: FUND.name,
    currency: "USD",
    investor_id: investor[0],
    investor_name: investor[1],
    close_id: close.id,
    close_number: close.number,
    close_date: close.close_date,
    amount,
    is_gp: false,
    sequence,
    status: "active",
    called,
    contributed: called,
    recallable: "0.00",
    unfunded: (Number(amount) - Number(called)).toFixed(2),
    created_at: `${close.close_date}T10:00:00Z`,
  };
}

const ASPEN = commitment("c-1", 1, ["inv-1", "Aspen Family Trust"], INITIAL, "6000000.00", "600000.00");
const BIRCH = commitment("c-2", 2, ["inv-2", "Birch Pension Plan"], INITIAL, "4000000.00", "400000.00");
const CEDAR = commitment("c-3", 3, ["inv-3", "Cedar Point Pension"], SECOND, "2000000.00", "0.00");

const INVESTORS = [
  { id: "inv-1", name: "Aspen Family Trust" },
  { id: "inv-2", name: "Birch Pension Plan" },
  { id: "inv-3", name: "Cedar Point Pension" },
  { id: "inv-4", name: "Dogwood Endowment" },
];

/** The equalization call the API drafts for the second close: Cedar catches up the first call. */
const EQUALIZATION_CALL: EqualizationCall = {
  id: "call-9",
  fund_id: "fund-1",
  fund_name: FUND.name,
  currency: "USD",
  number: 2,
  purpose: "equalization",
  basis: "commitment",
  amount: "200000.00",
  amount_due: "206180.82",
  paid_amount: "0.00",
  outstanding: "206180.82",
  call_date: todayIso(),
  due_date: "2099-12-31",
  status: "draft",
  is_overdue: false,
  description: "Equalization of the second close",
  created_by: "user-1",
  approved_by: null,
  approved_at: null,
  issued_at: null,
  cancelled_at: null,
  paid_at: null,
  ledger_entry_id: null,
  created_at: "2025-07-01T10:00:00Z",
  allocations: [
    {
      id: "a-1",
      commitment_id: "c-3",
      investor_id: "inv-3",
      investor_name: "Cedar Point Pension",
      sequence: 3,
      amount: "200000.00",
      equalization_interest: "6180.82",
      amount_due: "206180.82",
      paid_amount: "0.00",
      outstanding: "206180.82",
      status: "unpaid",
      payment_reference: "NGF2-C2-003",
    },
  ],
  equalization: [
    {
      commitment_id: "c-3",
      investor_name: "Cedar Point Pension",
      kind: "capital_call",
      source_call_id: "call-1",
      source_fee_run_id: null,
      due_date: "2025-02-17",
      amount: "200000.00",
      rate: "0.08",
      days: 133,
      interest: "6180.82",
    },
  ],
};

function me(permissions: string[]): Me {
  return {
    user: {
      id: "user-1",
      email: "manager@example.com",
      full_name: "Amelia Hart",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
    role: "fund_manager",
    permissions,
    memberships: [],
  };
}

const READER = ["fund:read", "commitment:read", "investor:read", "capital_call:read"];
const MANAGER = [...READER, "fund:write", "commitment:write", "capital_call:write"];

interface Sent {
  method: string;
  path: string;
  body: unknown;
}

interface State {
  closes: Close[];
  commitments: Commitment[];
  transfers: Transfer[];
}

type Handler = (body: Record<string, unknown>, path: string) => Response;

/**
 * The API of one fund. Each write is answered by its handler; the close or transfer it creates
 * (201) shows in the lists read afterwards, and a drafted call is served on its page.
 */
function stubApi(
  permissions: string[],
  state: Partial<State> = {},
  handlers: { close?: Handler; equalize?: Handler; transfer?: Handler } = {},
) {
  const sent: Sent[] = [];
  const data: State = { closes: [INITIAL], commitments: [ASPEN, BIRCH], transfers: [], ...state };
  const calls = new Map<string, EqualizationCall>();
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      const text = await request.clone().text();
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      sent.push({ method: request.method, path, body: text ? body : null });
      const get = request.method === "GET";
      if (path === "/api/v1/me") return jsonResponse(me(permissions));
      if (path === "/api/v1/investors" && get) {
        return jsonResponse({ items: INVESTORS, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/commitments" && get) {
        return jsonResponse({ items: data.commitments, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/closes" && get) return jsonResponse(data.closes);
      if (path === "/api/v1/funds/fund-1/transfers" && get) return jsonResponse(data.transfers);
      if (path === "/api/v1/funds/fund-1/closes" && handlers.close) {
        const answer = handlers.close(body, path);
        if (answer.status === 201) data.closes = [...data.closes, (await answer.clone().json()) as Close];
        return answer;
      }
      if (path.endsWith("/equalization") && handlers.equalize) {
        const answer = handlers.equalize(body, path);
        if (answer.status === 201) {
          const call = (await answer.clone().json()) as EqualizationCall;
          calls.set(call.id, call);
        }
        return answer;
      }
      const call = calls.get(path.replace("/api/v1/capital-calls/", ""));
      if (call && get) return jsonResponse(call);
      if (path === "/api/v1/funds/fund-1/transfers" && handlers.transfer) {
        const answer = handlers.transfer(body, path);
        if (answer.status === 201) data.transfers.push((await answer.clone().json()) as Transfer);
        return answer;
      }
      throw new Error(`unexpected ${request.method} ${path}`);
    }),
  );
  return sent;
}

function renderTab() {
  return renderWithProviders(
    <Routes>
      <Route path="/" element={<CommitmentsTab fund={FUND as unknown as Fund} />} />
      <Route path="/capital-calls/:callId" element={<CallDetailPage />} />
    </Routes>,
  );
}

function posts(sent: Sent[]) {
  return sent.filter((request) => request.method === "POST");
}

/** Replace what a date field holds with `value`, typed as the API writes dates. */
async function typeDate(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, value: string) {
  await user.clear(field);
  await user.type(field, value);
  await user.tab();
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("Closes", () => {
  it("lists each close with what it admitted, and offers no write action to a reader", async () => {
    const sent = stubApi(READER, { closes: [INITIAL, SECOND], commitments: [ASPEN, BIRCH, CEDAR] });
    renderTab();

    const table = await screen.findByRole("table", { name: "Closes" });
    const rows = await within(table).findAllByTestId("close-row");
    expect(rows).toHaveLength(2);
    await waitFor(() => expect(rows[0]).toHaveTextContent("$10,000,000.00"));
    expect(rows[0]).toHaveTextContent("Initial");
    expect(within(rows[0]!).getAllByRole("cell")[3]).toHaveTextContent("2");
    expect(rows[1]).toHaveTextContent("Subsequent");
    expect(rows[1]).toHaveTextContent("$2,000,000.00");
    expect(within(rows[1]!).getAllByRole("cell")[3]).toHaveTextContent("1");

    await waitFor(() => expect(sent.map((request) => request.path)).toContain("/api/v1/me"));
    expect(screen.queryByRole("button", { name: "Hold next close" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /equalization call/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Transfer interest" })).not.toBeInTheDocument();
  });

  it("holds the next close on the date given", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      MANAGER,
      {},
      {
        close: (body) => jsonResponse({ ...SECOND, close_date: body.close_date as string }, 201),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Hold next close" }));
    const form = await screen.findByRole("form", { name: "Hold next close" });
    expect(form).toHaveTextContent("Close #2 follows close #1");
    const date = within(form).getByLabelText(/Close date/);
    expect(date).toHaveValue(todayIso());
    await typeDate(user, date, "2025-06-30");
    await user.click(within(form).getByRole("button", { name: "Hold close #2" }));

    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Hold next close" })).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(screen.getAllByTestId("close-row")).toHaveLength(2));
    expect(screen.getAllByTestId("close-row")[1]).toHaveTextContent("Subsequent");
    expect(posts(sent)).toEqual([
      { method: "POST", path: "/api/v1/funds/fund-1/closes", body: { close_date: "2025-06-30" } },
    ]);
  });

  it("puts the API's refusal of the close date on its field", async () => {
    const user = userEvent.setup();
    stubApi(
      MANAGER,
      {},
      {
        close: () =>
          problemResponse(422, "Invalid request", "close_date: too early", [
            {
              field: "close_date",
              message: "A close cannot be dated before the fund's close #1 (2025-01-15).",
            },
          ]),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Hold next close" }));
    const form = await screen.findByRole("form", { name: "Hold next close" });
    await typeDate(user, within(form).getByLabelText(/Close date/), "2024-12-31");
    await user.click(within(form).getByRole("button", { name: "Hold close #2" }));

    expect(await within(form).findByText(/cannot be dated before the fund's close #1/)).toBeInTheDocument();
    expect(within(form).getByLabelText(/Close date/)).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("drafts a subsequent close's equalization call and opens the call with its catch-up", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      MANAGER,
      { closes: [INITIAL, SECOND], commitments: [ASPEN, BIRCH, CEDAR] },
      {
        equalize: (body) =>
          jsonResponse(
            {
              ...EQUALIZATION_CALL,
              call_date: body.call_date,
              due_date: body.due_date,
              description: body.description ?? null,
            },
            201,
          ),
      },
    );
    renderTab();

    const rows = await screen.findAllByTestId("close-row");
    expect(within(rows[0]!).queryByRole("button")).not.toBeInTheDocument();
    await user.click(
      within(rows[1]!).getByRole("button", { name: "Draft the equalization call of close #2" }),
    );
    const form = await screen.findByRole("form", { name: "Draft equalization call" });
    expect(screen.getByRole("dialog", { name: "Equalize close #2" })).toBeInTheDocument();
    await waitFor(() => expect(form).toHaveTextContent("admitted 1 commitment of $2,000,000.00"));
    expect(within(form).getByLabelText(/Call date/)).toHaveValue(todayIso());

    await user.click(within(form).getByRole("button", { name: "Draft the call" }));
    expect(await within(form).findByText("Enter the date the late closers pay by.")).toBeInTheDocument();
    expect(posts(sent)).toEqual([]);

    await typeDate(user, within(form).getByLabelText(/Due date/), "2099-12-31");
    await user.type(within(form).getByLabelText("Description"), "Equalization of the second close");
    await user.click(within(form).getByRole("button", { name: "Draft the call" }));

    expect(await screen.findByRole("heading", { name: "Capital call 2" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Catch-up of the late closers" })).toBeInTheDocument();
    const catchUp = screen.getByRole("table", { name: "Equalization catch-up" });
    expect(within(catchUp).getByTestId("equalization-row")).toHaveTextContent("Cedar Point Pension");
    expect(within(catchUp).getByTestId("equalization-total")).toHaveTextContent("$200,000.00");
    expect(within(catchUp).getByTestId("equalization-total")).toHaveTextContent("$6,180.82");
    expect(posts(sent)).toEqual([
      {
        method: "POST",
        path: "/api/v1/funds/fund-1/closes/close-2/equalization",
        body: {
          call_date: todayIso(),
          due_date: "2099-12-31",
          description: "Equalization of the second close",
        },
      },
    ]);
  });

  it("says why the API refused to draft an equalization call, and stays open", async () => {
    const user = userEvent.setup();
    stubApi(
      MANAGER,
      { closes: [INITIAL, SECOND], commitments: [ASPEN, BIRCH, CEDAR] },
      {
        equalize: () => problemResponse(409, "Conflict", "Capital call #2 equalizes this close already."),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Draft the equalization call of close #2" }));
    const form = await screen.findByRole("form", { name: "Draft equalization call" });
    await typeDate(user, within(form).getByLabelText(/Due date/), "2099-12-31");
    await user.click(within(form).getByRole("button", { name: "Draft the call" }));

    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("The equalization call could not be drafted");
    expect(alert).toHaveTextContent("Capital call #2 equalizes this close already.");
    expect(screen.getByRole("form", { name: "Draft equalization call" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Catch-up of the late closers" })).not.toBeInTheDocument();
  });
});

describe("Transfers of interest", () => {
  function transferred(body: Record<string, unknown>): Transfer {
    return {
      id: "t-1",
      fund_id: "fund-1",
      from_commitment_id: body.from_commitment_id as string,
      to_commitment_id: "c-4",
      from_investor_id: "inv-2",
      to_investor_id: body.to_investor_id as string,
      transfer_date: body.transfer_date as string,
      amount: Number(body.amount).toFixed(2),
      called_amount: "100000.00",
      recallable_amount: "0.00",
      ledger_entry_id: "entry-4",
      created_at: "2025-07-01T10:00:00Z",
    };
  }

  async function fillTransfer(user: ReturnType<typeof userEvent.setup>, form: HTMLElement, amount: string) {
    await user.click(within(form).getByRole("textbox", { name: /Commitment transferred/ }));
    await user.click(await screen.findByRole("option", { name: /Birch Pension Plan/ }));
    await user.click(within(form).getByRole("textbox", { name: /Receiving investor/ }));
    expect(screen.queryByRole("option", { name: "Birch Pension Plan" })).not.toBeInTheDocument();
    await user.click(await screen.findByRole("option", { name: "Dogwood Endowment" }));
    await user.type(within(form).getByLabelText(/Amount transferred \(USD\)/), amount);
    await typeDate(user, within(form).getByLabelText(/Transfer date/), "2025-07-01");
  }

  it("transfers part of a commitment with the body the API takes, and lists it", async () => {
    const user = userEvent.setup();
    const sent = stubApi(MANAGER, {}, { transfer: (body) => jsonResponse(transferred(body), 201) });
    renderTab();

    expect(await screen.findByText("No interest was transferred yet.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Transfer interest" }));
    const form = await screen.findByRole("form", { name: "Transfer interest" });
    await user.click(within(form).getByRole("button", { name: "Transfer interest" }));
    expect(await within(form).findByText("Choose the commitment transferred.")).toBeInTheDocument();
    expect(posts(sent)).toEqual([]);

    await fillTransfer(user, form, "1,000,000");
    expect(within(form).getByTestId("transfer-source")).toHaveTextContent("$4,000,000.00");
    await user.click(within(form).getByRole("button", { name: "Transfer interest" }));

    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Transfer interest" })).not.toBeInTheDocument(),
    );
    const row = await screen.findByTestId("transfer-row");
    expect(row).toHaveTextContent("Birch Pension Plan");
    expect(row).toHaveTextContent("Dogwood Endowment");
    expect(row).toHaveTextContent("$1,000,000.00");
    expect(row).toHaveTextContent("$100,000.00");
    expect(posts(sent)).toEqual([
      {
        method: "POST",
        path: "/api/v1/funds/fund-1/transfers",
        body: {
          from_commitment_id: "c-2",
          to_investor_id: "inv-4",
          amount: "1000000",
          transfer_date: "2025-07-01",
        },
      },
    ]);
  });

  it("puts the API's refusal of the amount on its field and keeps the form open", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      MANAGER,
      {},
      {
        transfer: () =>
          problemResponse(422, "Invalid request", "amount: too much", [
            { field: "amount", message: "The transfer exceeds the commitment (4000000.00)." },
          ]),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Transfer interest" }));
    const form = await screen.findByRole("form", { name: "Transfer interest" });
    await fillTransfer(user, form, "5000000");
    await user.click(within(form).getByRole("button", { name: "Transfer interest" }));

    expect(
      await within(form).findByText("The transfer exceeds the commitment (4000000.00)."),
    ).toBeInTheDocument();
    expect(within(form).getByLabelText(/Amount transferred \(USD\)/)).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByRole("alert")).not.toBeInTheDocument();
    expect(posts(sent)).toHaveLength(1);
  });

  it("says why the API refused a transfer while the transferor owes the fund", async () => {
    const user = userEvent.setup();
    stubApi(
      MANAGER,
      {},
      {
        transfer: () =>
          problemResponse(
            409,
            "Conflict",
            "The transferor has unsettled calls or distributions; settle them before transferring its interest.",
          ),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Transfer interest" }));
    const form = await screen.findByRole("form", { name: "Transfer interest" });
    await fillTransfer(user, form, "1000000");
    await user.click(within(form).getByRole("button", { name: "Transfer interest" }));

    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("The interest could not be transferred");
    expect(alert).toHaveTextContent("settle them before transferring its interest");
  });
});
