"""The ledger over HTTP, with real tokens: shapes, decimal strings, and who may see what."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from fundhouse.identity.models import Organization
from fundhouse.ledger import service
from fundhouse.platform.access import Actor, permissions_for
from tests.factories import API, login, make_org, make_user

from .conftest import make_book
from .test_posting import LP_A, capital_call_lines, post


def actor_of(user, org: Organization, role: str) -> Actor:
    return Actor(user_id=user.id, org_id=org.id, role=role, permissions=permissions_for(role))


@pytest.fixture
def desk(db, client):
    """An accountant signed in, with a fund book holding one capital call."""
    org = make_org(db)
    accountant = make_user(db, org, role="accountant")
    actor = actor_of(accountant, org, "accountant")
    book = make_book(db, actor)
    call = post(db, actor, book, capital_call_lines())
    db.commit()
    return {
        "org": org,
        "actor": actor,
        "book": book,
        "call": call,
        "headers": login(client, accountant),
    }


def manual_entry(**changes):
    body = {
        "entry_date": "2025-06-30",
        "memo": "Accrue audit fee",
        "lines": [
            {"account_code": "5100", "debit": "1250.50", "currency": "USD", "party_id": str(LP_A)},
            {"account_code": "2200", "credit": "1250.50", "currency": "USD"},
        ],
    }
    return body | changes


def test_books_and_their_chart_are_listed(client, desk):
    books = client.get(f"{API}/ledger/books", headers=desk["headers"])
    assert books.status_code == 200
    assert [b["id"] for b in books.json()["items"]] == [str(desk["book"].id)]
    assert books.json()["items"][0]["currency"] == "USD"

    accounts = client.get(f"{API}/ledger/books/{desk['book'].id}/accounts", headers=desk["headers"])
    assert accounts.status_code == 200
    by_code = {a["code"]: a for a in accounts.json()}
    assert by_code["1000"] == by_code["1000"] | {
        "name": "Cash",
        "type": "asset",
        "is_partner_account": False,
        "normal_balance": "debit",
    }
    assert (by_code["3000"]["is_partner_account"], by_code["3000"]["normal_balance"]) == (
        True,
        "credit",
    )


def test_entries_are_listed_with_postings_and_amounts_as_strings(client, desk):
    response = client.get(
        f"{API}/ledger/books/{desk['book'].id}/entries",
        params={"account_code": "3000", "start": "2025-03-31", "limit": 10},
        headers=desk["headers"],
    )
    assert response.status_code == 200
    [entry] = response.json()["items"]
    assert (entry["number"], entry["source_type"], entry["entry_date"]) == (
        1,
        "capital_call",
        "2025-03-31",
    )
    assert entry["postings"][0] == {
        "line_no": 1,
        "account_code": "1100",
        "account_name": "Capital contributions receivable",
        "party_id": str(LP_A),
        "party_name": None,  # a party this book's owner does not know is shown by id alone
        "amount": "600000.00",
        "debit": "600000.00",
        "credit": None,
        "currency": "USD",
        "memo": None,
    }
    assert entry["postings"][2]["amount"] == "-600000.00"
    assert entry["postings"][2]["credit"] == "600000.00"


def test_a_manual_entry_is_posted_and_can_be_read_back(client, desk):
    response = client.post(
        f"{API}/ledger/books/{desk['book'].id}/entries",
        json=manual_entry(),
        headers=desk["headers"],
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["number"], created["source_type"]) == (2, "manual")
    assert [p["amount"] for p in created["postings"]] == ["1250.50", "-1250.50"]
    again = client.get(f"{API}/ledger/entries/{created['id']}", headers=desk["headers"])
    assert again.json() == created


def test_an_unbalanced_entry_is_a_422_naming_the_problem_and_nothing_is_saved(client, db, desk):
    body = manual_entry()
    body["lines"][1]["credit"] = "1250.00"
    response = client.post(
        f"{API}/ledger/books/{desk['book'].id}/entries", json=body, headers=desk["headers"]
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["errors"] == [
        {
            "field": "lines",
            "message": "The entry does not balance in USD: debits 1250.50, credits 1250.00.",
        }
    ]
    entries, _ = service.list_entries(db, desk["actor"], desk["book"].id)
    assert [e.number for e in entries] == [1]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"account_code": "2200", "credit": 1250.5, "currency": "USD"}, "lines.1.credit"),
        ({"account_code": "2200", "credit": "-1250.50", "currency": "USD"}, "lines.1.credit"),
        ({"account_code": "2200", "currency": "USD"}, "lines.1"),
        ({"account_code": "2200", "debit": "1", "credit": "1", "currency": "USD"}, "lines.1"),
        ({"account_code": "2200", "credit": "1250.50", "currency": "usd"}, "lines.1.currency"),
        ({"account_code": "2200", "credit": "1250.50", "currency": "KBL"}, "lines[1].currency"),
        ({"account_code": "2200", "credit": "1250.505", "currency": "USD"}, "lines[1].amount"),
        ({"account_code": "2201", "credit": "1250.50", "currency": "USD"}, "lines[1].account_code"),
    ],
)
def test_bad_lines_are_422_naming_the_field(client, desk, line, field):
    body = manual_entry()
    body["lines"][1] = line
    response = client.post(
        f"{API}/ledger/books/{desk['book'].id}/entries", json=body, headers=desk["headers"]
    )
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["errors"]}


def test_a_retry_with_the_same_idempotency_key_returns_the_first_entry(client, db, desk):
    url = f"{API}/ledger/books/{desk['book'].id}/entries"
    headers = desk["headers"] | {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post(url, json=manual_entry(), headers=headers)
    second = client.post(url, json=manual_entry(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    entries, _ = service.list_entries(db, desk["actor"], desk["book"].id)
    assert [e.number for e in entries] == [1, 2]


def test_a_manual_entry_is_reversed_once(client, desk):
    created = client.post(
        f"{API}/ledger/books/{desk['book'].id}/entries",
        json=manual_entry(),
        headers=desk["headers"],
    ).json()
    url = f"{API}/ledger/entries/{created['id']}/reverse"
    body = {"entry_date": "2025-07-01", "memo": "Accrual reversed"}

    reversal = client.post(url, json=body, headers=desk["headers"])
    assert reversal.status_code == 201
    assert reversal.json()["reverses_entry_id"] == created["id"]
    assert [p["amount"] for p in reversal.json()["postings"]] == ["-1250.50", "1250.50"]
    assert client.post(url, json=body, headers=desk["headers"]).status_code == 409

    call = client.post(
        f"{API}/ledger/entries/{desk['call'].id}/reverse", json=body, headers=desk["headers"]
    )
    assert call.status_code == 409
    assert "capital_call" in call.json()["detail"]


def test_trial_balance_as_of_a_date(client, desk):
    url = f"{API}/ledger/books/{desk['book'].id}/trial-balance"
    response = client.get(url, params={"as_of": "2025-12-31"}, headers=desk["headers"])
    assert response.status_code == 200
    tb = response.json()
    assert tb["is_balanced"] is True
    assert tb["total_debits"] == tb["total_credits"] == {"USD": "1000000.00"}
    assert [(r["account_code"], r["debit"], r["credit"]) for r in tb["rows"]] == [
        ("1100", "1000000.00", "0.00"),
        ("3000", "0.00", "1000000.00"),
    ]
    before = client.get(url, params={"as_of": "2025-03-30"}, headers=desk["headers"]).json()
    assert before["rows"] == [] and before["total_debits"] == {}
    assert client.get(url, headers=desk["headers"]).status_code == 422


@pytest.mark.parametrize("as_of", ["0", "1767139200", "20251231", "2025-12-31T00:00:00"])
def test_a_date_is_only_read_from_yyyy_mm_dd(client, desk, as_of):
    # Pydantic would read digits as seconds since 1970; the API document promises a date.
    url = f"{API}/ledger/books/{desk['book'].id}/trial-balance"
    response = client.get(url, params={"as_of": as_of}, headers=desk["headers"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"
    entry = client.post(
        f"{API}/ledger/books/{desk['book'].id}/entries",
        json=manual_entry(entry_date=0),
        headers=desk["headers"],
    )
    assert entry.status_code == 422


@pytest.mark.parametrize(
    ("path", "first_column"), [("entries.csv", "entry_number"), ("gl-export.csv", "JournalNo")]
)
def test_exports_are_csv_downloads(client, desk, path, first_column):
    response = client.get(
        f"{API}/ledger/books/{desk['book'].id}/{path}",
        params={"start": "2025-01-01", "end": "2025-12-31"},
        headers=desk["headers"],
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert "2025-01-01_2025-12-31" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][0] == first_column
    assert len(rows) == 5


def test_another_organizations_user_gets_404(client, db, desk):
    stranger = make_user(db, make_org(db, "Southwind Partners"), role="admin")
    headers = login(client, stranger)
    book = desk["book"].id
    for method, url, body in [
        ("get", f"{API}/ledger/books/{book}", None),
        ("get", f"{API}/ledger/books/{book}/accounts", None),
        ("get", f"{API}/ledger/books/{book}/entries", None),
        ("get", f"{API}/ledger/books/{book}/trial-balance?as_of=2025-12-31", None),
        ("get", f"{API}/ledger/books/{book}/entries.csv", None),
        ("get", f"{API}/ledger/books/{book}/gl-export.csv", None),
        ("get", f"{API}/ledger/entries/{desk['call'].id}", None),
        ("post", f"{API}/ledger/books/{book}/entries", manual_entry()),
        (
            "post",
            f"{API}/ledger/entries/{desk['call'].id}/reverse",
            {"entry_date": "2025-07-01", "memo": "x"},
        ),
    ]:
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 404, (url, response.status_code)
    assert client.get(f"{API}/ledger/books", headers=headers).json()["items"] == []


@pytest.mark.parametrize("role", ["limited_partner", "viewer"])
def test_people_without_ledger_read_get_403(client, db, desk, role):
    headers = login(client, make_user(db, desk["org"], role=role))
    book = desk["book"].id
    for url in (
        f"{API}/ledger/books",
        f"{API}/ledger/books/{book}/entries",
        f"{API}/ledger/books/{book}/trial-balance?as_of=2025-12-31",
        f"{API}/ledger/books/{book}/gl-export.csv",
    ):
        assert client.get(url, headers=headers).status_code == 403, url


def test_reading_is_not_writing(client, db, desk):
    headers = login(client, make_user(db, desk["org"], role="fund_manager"))
    book = desk["book"].id
    assert client.get(f"{API}/ledger/books/{book}/entries", headers=headers).status_code == 200
    response = client.post(
        f"{API}/ledger/books/{book}/entries", json=manual_entry(), headers=headers
    )
    assert response.status_code == 403


def test_anonymous_callers_get_401(client, desk):
    assert client.get(f"{API}/ledger/books").status_code == 401


def test_the_openapi_document_declares_the_problems(client):
    spec = client.get("/api/openapi.json").json()
    post_entry = spec["paths"][f"{API}/ledger/books/{{book_id}}/entries"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(post_entry["responses"])
    export = spec["paths"][f"{API}/ledger/books/{{book_id}}/gl-export.csv"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]
