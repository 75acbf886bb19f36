"""Rate limits per IP, per user and for logins, in process and on Redis."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage, RedisStorage

from fundhouse.app import create_app
from fundhouse.platform.errors import TooManyRequests
from fundhouse.platform.ratelimit import RateLimiter, build_rate_limiter
from fundhouse.settings import set_settings
from tests.factories import login, make_org, make_user
from tests.platform.conftest import REDIS_TEST_URL

API = "/api/v1"


def _limiter(storage=None, ip="3/minute", user="3/minute", login_limit="2/minute") -> RateLimiter:
    return RateLimiter(
        storage or MemoryStorage(), ip_limit=ip, user_limit=user, login_limit=login_limit
    )


@pytest.fixture(params=["memory", "redis"])
def storage(request, redis_db):
    if request.param == "memory":
        return MemoryStorage()
    return RedisStorage(REDIS_TEST_URL, key_prefix="fundhouse-ratelimit-test")


def test_an_address_is_stopped_after_its_limit(storage):
    limiter = _limiter(storage)

    states = [limiter.hit_ip("203.0.113.7") for _ in range(4)]

    assert [s.allowed for s in states] == [True, True, True, False]
    assert [s.remaining for s in states] == [2, 1, 0, 0]
    refused = states[-1].headers()
    assert refused["RateLimit-Limit"] == "3"
    assert refused["RateLimit-Remaining"] == "0"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert limiter.hit_ip("198.51.100.1").allowed, "another address has its own budget"


def test_a_user_over_the_limit_gets_429_with_retry_after(storage):
    limiter = _limiter(storage)
    user_id = uuid.uuid4()
    for _ in range(3):
        limiter.hit_user(user_id)

    with pytest.raises(TooManyRequests) as refused:
        limiter.hit_user(user_id)

    assert refused.value.status == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60
    limiter.hit_user(uuid.uuid4())


def test_logins_are_limited_per_email_across_addresses(storage):
    limiter = _limiter(storage)
    limiter.hit_login("192.0.2.1", "Ada@Example.com")
    limiter.hit_login("192.0.2.2", "ada@example.com ")

    with pytest.raises(TooManyRequests):
        limiter.hit_login("192.0.2.3", "ada@example.com")


def test_logins_are_limited_per_address_across_emails(storage):
    limiter = _limiter(storage)
    limiter.hit_login("192.0.2.9", "a@example.com")
    limiter.hit_login("192.0.2.9", None)

    with pytest.raises(TooManyRequests):
        limiter.hit_login("192.0.2.9", "c@example.com")


def test_reset_forgets_every_counter(storage):
    limiter = _limiter(storage)
    for _ in range(4):
        limiter.hit_ip("203.0.113.8")

    limiter.reset()

    assert limiter.hit_ip("203.0.113.8").allowed


def test_replicas_sharing_redis_share_the_budget(redis_db):
    first = _limiter(RedisStorage(REDIS_TEST_URL))
    second = _limiter(RedisStorage(REDIS_TEST_URL))

    assert [first.hit_ip("203.0.113.9").allowed for _ in range(2)] == [True, True]
    assert second.hit_ip("203.0.113.9").allowed
    assert not second.hit_ip("203.0.113.9").allowed


def test_settings_choose_the_storage(settings):
    assert isinstance(build_rate_limiter(settings).storage, MemoryStorage)
    with_redis = settings.model_copy(update={"redis_url": REDIS_TEST_URL})
    assert isinstance(build_rate_limiter(with_redis).storage, RedisStorage)


def test_unreachable_redis_lets_requests_through():
    limiter = _limiter(RedisStorage("redis://127.0.0.1:1/0", socket_connect_timeout=0.2))

    state = limiter.hit_ip("203.0.113.10")

    assert state.allowed


# Through the app ---------------------------------------------------------------------------


@pytest.fixture
def use_limiter(app):
    """Put a strict limiter on the app for one test, restoring the lenient one afterwards."""
    original = app.state.rate_limiter

    def use(limiter: RateLimiter) -> None:
        app.state.rate_limiter = limiter

    yield use
    app.state.rate_limiter = original


def test_the_api_answers_429_problem_json_once_an_address_is_over(use_limiter, client):
    use_limiter(_limiter(ip="3/minute"))

    allowed = [client.get(f"{API}/jobs") for _ in range(3)]
    refused = client.get(f"{API}/jobs")

    assert [r.status_code for r in allowed] == [401, 401, 401]
    assert [r.headers["RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/rate-limited")
    assert refused.json()["request_id"] == refused.headers["X-Request-ID"]
    assert int(refused.headers["Retry-After"]) >= 1


def test_probes_are_not_limited(use_limiter, client):
    use_limiter(_limiter(ip="1/minute"))
    client.get(f"{API}/jobs")

    for path in (f"{API}/health", f"{API}/ready"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"{API}/jobs").status_code == 429


def test_metrics_are_limited_so_their_token_cannot_be_guessed_quickly(use_limiter, client):
    use_limiter(_limiter(ip="2/minute"))

    statuses = [client.get("/metrics").status_code for _ in range(3)]

    assert statuses == [403, 403, 429]
    assert client.get("/metrics").headers["content-type"] == "application/problem+json"


@pytest.fixture
def web_app(settings, database, tmp_path):
    """The app serving a built web app: a page, its icon and its code under /assets."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js">')
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / "assets" / "app.js").write_text("console.log('ready')")
    app = create_app(settings.model_copy(update={"web_dist": dist}), database=database)
    set_settings(settings)
    return app


def test_the_web_apps_files_are_not_limited(web_app):
    web_app.state.rate_limiter = _limiter(ip="2/minute")
    client = TestClient(web_app)

    files = [client.get(path) for path in ("/assets/app.js", "/favicon.svg") * 5]
    pages = [client.get("/") for _ in range(2)]

    assert [r.status_code for r in files] == [200] * 10
    assert all("RateLimit-Remaining" not in r.headers for r in files)
    assert [r.status_code for r in pages] == [200, 200]
    assert client.get("/").status_code == 429


def test_a_refused_page_is_a_page_and_a_refused_api_call_is_problem_json(web_app):
    web_app.state.rate_limiter = _limiter(ip="1/minute")
    client = TestClient(web_app)
    client.get("/")

    page = client.get("/funds/42", headers={"X-Request-ID": "page-429"})
    api = client.get(f"{API}/jobs")

    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Too many requests</h1>" in page.text
    assert "page-429" in page.text
    assert int(page.headers["Retry-After"]) >= 1
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert api.status_code == 429
    assert api.headers["content-type"] == "application/problem+json"


def test_a_signed_in_user_is_limited_on_their_own_budget(use_limiter, client, db):
    org = make_org(db)
    headers = login(client, make_user(db, org, role="analyst"))
    use_limiter(_limiter(ip="100/minute", user="2/minute"))

    responses = [client.get(f"{API}/jobs", headers=headers) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "Retry-After" in responses[-1].headers
