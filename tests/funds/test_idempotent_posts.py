"""Every POST that moves money or interest takes an Idempotency-Key (DESIGN.md §4): a retry
with the same key and body answers the first result and does the work once; the same key with
another body is refused."""

from __future__ import annotations


def _retry(desk, path, body, key):
    headers = {**desk.headers, "Idempotency-Key": key}
    first = desk.post(path, body, headers=headers)
    again = desk.post(path, body, headers=headers)
    other = desk.post(path, {**body, "amount": "1"}, headers=headers)
    return first, again, other


def test_a_retried_transfer_of_interest_moves_the_commitment_once(desk):
    fund = desk.fund()
    seller, _ = desk.lps(fund["id"], ["1000000", "1000000"])
    buyer = desk.investor("Secondary Buyer")
    body = {
        "from_commitment_id": seller["id"],
        "to_investor_id": buyer["id"],
        "amount": "400000",
        "transfer_date": "2024-04-01",
    }
    first, again, other = _retry(desk, f"/funds/{fund['id']}/transfers", body, "transfer-1")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 422
    assert len(desk.ok(desk.get(f"/funds/{fund['id']}/transfers"))) == 1


def test_a_retried_transaction_fee_is_recorded_once(desk):
    fund = desk.fund()
    body = {"received_date": "2024-02-01", "amount": "1200"}
    first, again, other = _retry(desk, f"/funds/{fund['id']}/transaction-fees", body, "fee-1")
    assert first.status_code == 201 and again.json() == first.json()
    assert other.status_code == 422
    listed = desk.ok(desk.get(f"/funds/{fund['id']}/transaction-fees"))["items"]
    assert [f["amount"] for f in listed] == ["1200.00"]
