"""Bank statement reconciliation against expected call payments."""

from __future__ import annotations

from fundhouse.funds.calls.reconciliation import name_similarity
from tests.funds.helpers import D, problem_fields


def upload(desk, fund, text: str, name: str = "statement.csv"):
    return desk.post(
        f"/funds/{fund['id']}/reconciliations", files={"file": (name, text.encode(), "text/csv")}
    )


def setup_call(desk):
    fund = desk.fund()
    calder = desk.commit(fund["id"], desk.investor("Calder Pension Plan LLC")["id"], "500000")
    brook = desk.commit(fund["id"], desk.investor("Brook Endowment")["id"], "300000")
    ames = desk.commit(fund["id"], desk.investor("Ames Family Office")["id"], "200000")
    call = desk.issued_call(fund["id"], "100000")  # 50,000 / 30,000 / 20,000
    return fund, call, calder, brook, ames


def code(investor_id: str) -> str:
    return investor_id.replace("-", "")[:8].upper()


def test_statement_lines_are_matched_by_reference_then_by_amount_and_payer(desk, db):
    fund, call, calder, brook, ames = setup_call(desk)
    statement = (
        "Date,Amount,Reference,Payer Name\n"
        f"2024-03-18,50000.00,Wire CALL 1 {code(calder['investor_id'])},CPP NOMINEES\n"
        '2024-03-19,"30,000.00",capital contribution,BROOK ENDOWMENT\n'
        "2024-03-19,123.45,unknown,Someone\n"
        "2024-03-20,20000.00,march,Unknown Holdings\n"
        "2024-03-21,-25.00,bank fee,\n"
    )
    rec = desk.ok(upload(desk, fund, statement), 201)
    lines = rec["lines"]
    assert [line["status"] for line in lines] == [
        "matched",
        "matched",
        "unmatched",
        "ambiguous",
        "unmatched",
    ]
    assert (rec["matched"], rec["ambiguous"], rec["unmatched"], rec["applied"]) == (2, 1, 2, 0)
    assert lines[0]["investor_name"] == "Calder Pension Plan LLC" and lines[0]["call_number"] == 1
    assert lines[1]["investor_name"] == "Brook Endowment"
    assert lines[1]["match_reason"] == "Exact amount and payer name."
    ames_share = next(a for a in call["allocations"] if a["investor_id"] == ames["investor_id"])
    assert lines[3]["candidate_allocation_ids"] == [ames_share["id"]]
    # Matching records nothing yet.
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["paid_amount"] == "0.00"

    applied = desk.ok(desk.post(f"/reconciliations/{rec['id']}/apply"))
    assert applied["status"] == "applied" and applied["applied"] == 2
    assert all(line["payment_id"] for line in applied["lines"][:2])
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["paid_amount"] == "80000.00"
    assert desk.trial_balance(db, fund).is_balanced
    assert desk.partner_balances(db, fund, "1100") == {ames["investor_id"]: D("20000.00")}

    # Applying again records nothing more.
    again = desk.ok(desk.post(f"/reconciliations/{rec['id']}/apply"))
    assert again["applied"] == 2
    assert len(desk.ok(desk.get("/payments", params={"fund_id": fund["id"]}))["items"]) == 2

    # The ambiguous line is settled by hand and applied.
    resolved = desk.ok(
        desk.patch(
            f"/reconciliations/{rec['id']}/lines/4", {"call_allocation_id": ames_share["id"]}
        )
    )
    assert resolved["lines"][3]["status"] == "matched"
    desk.ok(desk.post(f"/reconciliations/{rec['id']}/apply"))
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["status"] == "paid"


def test_the_same_statement_uploaded_again_records_nothing_twice(desk):
    fund, call, calder, brook, ames = setup_call(desk)
    statement = (
        "date,amount,reference,payer name\n"
        f"2024-03-18,50000.00,CALL 1 {code(calder['investor_id'])},Calder\n"
    )
    first = desk.ok(upload(desk, fund, statement), 201)
    desk.ok(desk.post(f"/reconciliations/{first['id']}/apply"))
    second = desk.ok(upload(desk, fund, statement), 201)
    assert second["lines"][0]["status"] == "unmatched"
    assert second["lines"][0]["match_reason"] == "Already recorded as a payment."


def test_two_lines_never_pay_the_same_share_twice(desk):
    fund, call, calder, brook, ames = setup_call(desk)
    ref = f"CALL 1 {code(brook['investor_id'])}"
    statement = (
        "date,amount,reference,payer name\n"
        f"2024-03-18,20000.00,{ref} part 1,Brook\n"
        f"2024-03-19,20000.00,{ref} part 2,Brook\n"
    )
    rec = desk.ok(upload(desk, fund, statement), 201)
    assert [line["status"] for line in rec["lines"]] == ["matched", "ambiguous"]
    assert "exceeds" in rec["lines"][1]["match_reason"]


def test_a_reference_naming_the_investor_by_name_matches(desk):
    fund, call, calder, brook, ames = setup_call(desk)
    statement = "date,amount,reference,payer name\n2024-03-18,5000,Call #1 Ames Family Office,AFO\n"
    rec = desk.ok(upload(desk, fund, statement), 201)
    assert rec["lines"][0]["status"] == "matched"
    assert rec["lines"][0]["investor_name"] == "Ames Family Office"


def test_bad_statements_are_refused_naming_the_file_and_nothing_saved(desk):
    fund, *_ = setup_call(desk)
    cases = {
        "date,amount,payer name\n2024-03-18,1,X\n": "reference",
        "date,amount,reference,payer name\n18/03/2024,1,x,X\n": "Line 2",
        "date,amount,reference,payer name\n2024-03-18,1.001,x,X\n": "Line 2",
        "date,amount,reference,payer name\n2024-03-18,lots,x,X\n": "Line 2",
        "date,amount,reference,payer name\n": "no lines",
    }
    for text, phrase in cases.items():
        response = upload(desk, fund, text)
        assert response.status_code == 422, text
        assert problem_fields(response) == {"file"}
        assert phrase in response.json()["detail"], (phrase, response.json()["detail"])
    binary = desk.post(
        f"/funds/{fund['id']}/reconciliations",
        files={"file": ("s.csv", b"\xff\xfe\x00bad", "text/csv")},
    )
    assert binary.status_code == 422 and problem_fields(binary) == {"file"}
    missing = desk.post(f"/funds/{fund['id']}/reconciliations")
    assert missing.status_code == 422 and problem_fields(missing) == {"file"}


def test_name_similarity_ignores_case_punctuation_and_legal_forms():
    assert name_similarity("BROOK ENDOWMENT", "Brook Endowment") == 1.0
    assert name_similarity("Calder Pension Plan", "Calder Pension Plan, LLC") == 1.0
    assert name_similarity("Calder Pension", "Calder Pension Plan LLC") >= 0.8
    assert name_similarity("Unknown Holdings", "Ames Family Office") < 0.5
    assert name_similarity(None, "Ames") == 0.0


def test_reversing_a_payment_applied_from_a_statement_line_matches_the_line_again(desk, db):
    fund, call, calder, *_ = setup_call(desk)
    statement = (
        "Date,Amount,Reference,Payer Name\n"
        f"2024-03-18,50000.00,Wire CALL 1 {code(calder['investor_id'])},CPP NOMINEES\n"
    )
    rec = desk.ok(upload(desk, fund, statement), 201)
    applied = desk.ok(desk.post(f"/reconciliations/{rec['id']}/apply"))
    payment_id = applied["lines"][0]["payment_id"]

    desk.ok(desk.post(f"/payments/{payment_id}/reverse"))
    line = desk.ok(desk.get(f"/reconciliations/{rec['id']}"))["lines"][0]
    assert (line["status"], line["payment_id"]) == ("matched", None)
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["paid_amount"] == "0.00"
    assert desk.trial_balance(db, fund).is_balanced
