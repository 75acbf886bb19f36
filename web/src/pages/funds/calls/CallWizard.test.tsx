import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import type { Fund } from "../shared/queries";
import { CallWizard } from "./CallWizard";

const FUND = {
  id: "fund-1",
  name: "Northwind Growth Fund II",
  currency: "USD",
  waterfall_type: "european",
} as const satisfies Partial<Fund>;

const PREVIEW = {
  fund_id: "fund-1",
  currency: "USD",
  purpose: "investment",
  basis: "commitment",
  amount: "1000000.00",
  total_unfunded: "10000000.00",
  lines: [
    {
      commitment_id: "c-1",
      investor_id: "i-1",
      investor_name: "Alder Creek College Endowment",
      sequence: 1,
      commitment: "6000000.00",
      unfunded_before: "6000000.00",
      amount: "600000.00",
      unfunded_after: "5400000.00",
      capped: false,
    },
    {
      commitment_id: "c-2",
      investor_id: "i-2",
      investor_name: "Brennan Family Office",
      sequence: 2,
      commitment: "4000000.00",
      unfunded_before: "4000000.00",
      amount: "400000.00",
      unfunded_after: "3600000.00",
      capped: false,
    },
  ],
};

type Answer = (request: Request) => Response;

function stubApi(...answers: Answer[]) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const text = await request.clone().text();
      sent.push({
        method: request.method,
        path: new URL(request.url).pathname,
        body: text ? JSON.parse(text) : null,
      });
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected request to ${request.url}`);
      return answer(request);
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("CallWizard", () => {
  it("previews each LP's share with the API's totals before saving anything", async () => {
    const user = userEvent.setup();
    const sent = stubApi(() => jsonResponse(PREVIEW));
    renderWithProviders(<CallWizard fund={FUND as unknown as Fund} />);

    await user.type(screen.getByLabelText(/amount \(USD\)/i), "1,000,000{Enter}");

    const table = await screen.findByRole("table", { name: "Allocation preview" });
    const lines = within(table).getAllByTestId("preview-line");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveTextContent("Alder Creek College Endowment");
    expect(lines[0]).toHaveTextContent("$600,000.00");
    expect(lines[1]).toHaveTextContent("$400,000.00");
    const total = within(table).getByTestId("preview-total");
    expect(total).toHaveTextContent("$1,000,000.00");
    expect(total).toHaveTextContent("$10,000,000.00");

    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe("/api/v1/funds/fund-1/capital-calls/preview");
    expect(sent[0]?.body).toMatchObject({ purpose: "investment", amount: "1000000", basis: "commitment" });
    expect(screen.getByRole("button", { name: "Create draft call" })).toBeInTheDocument();
  });

  it("drafts the call previewed and links to it", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      () => jsonResponse(PREVIEW),
      () =>
        jsonResponse(
          { id: "call-9", number: 9, amount: "1000000.00", currency: "USD", allocations: PREVIEW.lines },
          201,
        ),
    );
    renderWithProviders(<CallWizard fund={FUND as unknown as Fund} />);

    await user.type(screen.getByLabelText(/amount \(USD\)/i), "1000000{Enter}");
    await user.click(await screen.findByRole("button", { name: "Create draft call" }));

    expect(await screen.findByText(/Capital call 9 is drafted/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the call" })).toHaveAttribute(
      "href",
      "/capital-calls/call-9",
    );
    expect(sent.map((request) => request.path)).toEqual([
      "/api/v1/funds/fund-1/capital-calls/preview",
      "/api/v1/funds/fund-1/capital-calls",
    ]);
    expect(sent[1]?.body).toEqual(sent[0]?.body);
  });

  it("keeps the first step and names the field when the API refuses the amount", async () => {
    const user = userEvent.setup();
    stubApi(() =>
      problemResponse(422, "Invalid request", "amount: exceeds the unfunded commitments", [
        { field: "amount", message: "The call exceeds the fund's unfunded commitments." },
      ]),
    );
    renderWithProviders(<CallWizard fund={FUND as unknown as Fund} />);

    await user.type(screen.getByLabelText(/amount \(USD\)/i), "99000000{Enter}");

    expect(await screen.findByText("The call exceeds the fund's unfunded commitments.")).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Allocation preview" })).not.toBeInTheDocument();
  });

  it("checks the amount before asking the API", async () => {
    const user = userEvent.setup();
    const sent = stubApi();
    renderWithProviders(<CallWizard fund={FUND as unknown as Fund} />);

    await user.click(screen.getByRole("button", { name: "Preview allocation" }));

    expect(await screen.findByText(/Enter the amount to call/)).toBeInTheDocument();
    expect(sent).toEqual([]);
  });
});
