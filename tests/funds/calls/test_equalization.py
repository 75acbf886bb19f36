"""Late closers catch up the earlier calls with equalization interest.

shared/CONVENTIONS.md, "Management fees and late closers": a late closer pays every installment
due on or before its close date on its own commitment, as if admitted at the initial close, plus
equalization interest (8% simple, days/365) from each installment's due date to its close
date; the interest goes to the LPs admitted earlier, pro rata, and is not fee income.
"""

from __future__ import annotations

from datetime import date

from tests.funds.helpers import D, problem_fields
from tests.funds.portal.test_portal_and_notices import pdf_text


def test_a_late_closer_catches_up_with_interest_that_goes_to_the_earlier_lps(desk, db):
    fund = desk.fund()
    desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-01-15"}), 201)
    a, c = desk.lps(fund["id"], ["600000", "400000"])
    first = desk.issued_call(fund["id"], "100000", call_date="2024-02-01", due_date="2024-03-01")
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-09-01"}), 201)
    late = desk.commit(fund["id"], desk.investor("Late LP")["id"], "1000000")
    assert late["close_id"] == second["id"]

    call = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/closes/{second['id']}/equalization",
            {"call_date": "2024-09-02", "due_date": "2024-09-30"},
        ),
        201,
    )
    # Call 1 drew 10% of the commitments it called: the late closer owes 100,000.00, and
    # interest 100,000 × 8% × 184/365 (1 March to 1 September 2024) = 4,032.876... → 4,032.88.
    assert (call["purpose"], call["status"], call["amount"]) == (
        "equalization",
        "draft",
        "100000.00",
    )
    (share,) = call["allocations"]
    assert (share["investor_name"], share["amount"], share["equalization_interest"]) == (
        "Late LP",
        "100000.00",
        "4032.88",
    )
    assert share["amount_due"] == "104032.88"

    desk.approve(call["id"])
    desk.issue(call["id"])
    assert desk.trial_balance(db, fund).is_balanced
    # The interest is the earlier LPs' income, 60:40 by commitment: 2,419.728 and 1,613.152
    # rounded by the allocation rule to 2,419.73 and 1,613.15.
    assert desk.partner_balances(db, fund, "4300") == {
        a["investor_id"]: D("-2419.73"),
        c["investor_id"]: D("-1613.15"),
    }
    assert desk.capital_contributed(db, fund)[late["investor_id"]] == D("100000.00")
    assert desk.partner_balances(db, fund, "5000") == {}  # not a fee

    paid = desk.ok(
        desk.pay(call["id"], late["investor_id"], "104032.88", received_date=date(2024, 9, 20)), 201
    )
    assert paid["call_status"] == "paid"
    late_now = desk.ok(desk.get(f"/commitments/{late['id']}"))
    assert (late_now["called"], late_now["contributed"], late_now["unfunded"]) == (
        "100000.00",
        "100000.00",
        "900000.00",
    )
    # Everyone is now 10% drawn: the next call is pro rata again.
    nxt = desk.draft(fund["id"], "200000", call_date="2024-10-01", due_date="2024-10-31")
    assert [x["amount"] for x in nxt["allocations"]] == ["60000.00", "40000.00", "100000.00"]
    assert first["number"] == 1 and call["number"] == 2 and nxt["number"] == 3


def test_equalization_is_refused_for_the_initial_close_and_when_done(desk):
    fund = desk.fund()
    initial = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-01-15"}), 201)
    desk.lps(fund["id"], ["1000"])
    desk.issued_call(fund["id"], "100", call_date="2024-02-01", due_date="2024-03-01")
    body = {"call_date": "2024-07-01", "due_date": "2024-07-31"}
    assert (
        desk.post(f"/funds/{fund['id']}/closes/{initial['id']}/equalization", body).status_code
        == 409
    )
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-06-01"}), 201)
    assert (
        desk.post(f"/funds/{fund['id']}/closes/{second['id']}/equalization", body).status_code
        == 409
    )
    desk.commit(fund["id"], desk.investor("Late")["id"], "1000")
    desk.ok(desk.post(f"/funds/{fund['id']}/closes/{second['id']}/equalization", body), 201)
    again = desk.post(f"/funds/{fund['id']}/closes/{second['id']}/equalization", body)
    assert again.status_code == 409 and "already" in again.json()["detail"]
    closes = desk.ok(desk.get(f"/funds/{fund['id']}/closes"))
    assert [c["equalization_call_number"] for c in closes] == [None, 2]
    plain = desk.post(
        f"/funds/{fund['id']}/capital-calls",
        {"purpose": "equalization", "amount": "1", **body},
    )
    assert plain.status_code == 422


def test_a_late_closer_pays_the_billed_fees_as_its_own_fee_and_the_calls_as_capital(desk, db):
    # CONVENTIONS.md: the fees billed before the close are the late closer's fees (Dr 5000),
    # computed on its own commitment; the fee calls that collected them are not caught up again.
    fund = desk.fund(initial_close_date="2024-01-15")
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    for billing_date in ("2024-01-15", "2024-04-01"):
        body = {"period_start": billing_date, "call": True, "due_date": billing_date}
        run = desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", body), 201)
        desk.approve(run["capital_call_id"])
        desk.issue(run["capital_call_id"])
    desk.issued_call(fund["id"], "100000", call_date="2024-02-01", due_date="2024-03-01")
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-05-15"}), 201)
    late = desk.commit(fund["id"], desk.investor("Late LP")["id"], "500000")

    call = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/closes/{second['id']}/equalization",
            {"call_date": "2024-05-16", "due_date": "2024-06-14"},
        ),
        201,
    )
    # On 500,000: the stub 2% × 77/365 = 2,109.589... → 2,109.59 (due 15 Jan, 121 days to the
    # close); the quarter 2%/4 = 2,500.00 (due 1 April, 44 days); the investment call drew 10%:
    # 50,000.00 (due 1 March, 75 days). Interest at 8%, days/365, summed exactly:
    # 55.9475 + 821.9178 + 24.1096 = 901.9749 → 901.97, split over the items pro rata to
    # their exact interest by the allocation rule (55.9472, 821.9134, 24.1095: the two cents
    # left after the floors go to the largest remainders, 24.10 and 55.94).
    assert [(i["kind"], i["due_date"], i["amount"], i["days"]) for i in call["equalization"]] == [
        ("fee", "2024-01-15", "2109.59", 121),
        ("capital_call", "2024-03-01", "50000.00", 75),
        ("fee", "2024-04-01", "2500.00", 44),
    ]
    assert [i["interest"] for i in call["equalization"]] == ["55.95", "821.91", "24.11"]
    (share,) = call["allocations"]
    assert (share["amount"], share["equalization_interest"]) == ("54609.59", "901.97")

    desk.approve(call["id"])
    desk.issue(call["id"])
    assert desk.trial_balance(db, fund).is_balanced
    fees = desk.partner_balances(db, fund, "5000")
    assert fees[late["investor_id"]] == D("4609.59")
    # A was billed 60% of the stub on 1,000,000 (4,219.18 → 2,531.51) and of the quarter.
    assert fees[a["investor_id"]] == D("2531.51") + D("3000.00")
    assert desk.capital_contributed(db, fund)[late["investor_id"]] == D("54609.59")
    assert desk.partner_balances(db, fund, "4300") == {
        a["investor_id"]: D("-541.18"),
        b["investor_id"]: D("-360.79"),
    }
    payable = [r for r in desk.trial_balance(db, fund).rows if r.account_code == "2100"]
    # Billed to A and B: 4,219.18 + 5,000.00; caught up from the late closer: 4,609.59.
    assert payable[0].credit == D("4219.18") + D("5000.00") + D("4609.59")

    # The late closer's notice says how its catch-up is made up, item by item.
    notice = desk.get(f"/capital-calls/{call['id']}/notices/{late['investor_id']}.pdf")
    text = pdf_text(notice.content)
    for expected in (
        "Fees and capital caught up",
        "How your catch-up is made up",
        "Management fee, due 15 January 2024 (121 days' interest)",
        "USD 2,109.59 + USD 55.95",
        "Capital call no. 3, due 01 March 2024 (75 days' interest)",
        "USD 50,000.00 + USD 821.91",
    ):
        assert expected in text, expected


def test_an_equalization_call_dated_before_its_close_or_the_initial_close_is_refused(desk, db):
    fund = desk.fund()
    desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-01-15"}), 201)
    desk.lps(fund["id"], ["1000"])
    desk.issued_call(fund["id"], "100", call_date="2024-02-01", due_date="2024-03-01")
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-06-01"}), 201)
    desk.commit(fund["id"], desk.investor("Late")["id"], "1000")
    url = f"/funds/{fund['id']}/closes/{second['id']}/equalization"
    for call_date in ("1999-06-01", "2024-05-31"):
        refused = desk.post(url, {"call_date": call_date, "due_date": "2024-07-31"})
        assert refused.status_code == 422 and problem_fields(refused) == {"call_date"}
    assert "1999" not in {c["call_date"][:4] for c in desk.ok(desk.get("/capital-calls"))["items"]}
    desk.ok(desk.post(url, {"call_date": "2024-06-01", "due_date": "2024-07-31"}), 201)
