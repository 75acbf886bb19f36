"""The cache: same behaviour in process and on Redis."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from fundhouse.platform.cache import (
    MemoryCache,
    RedisCache,
    build_cache,
    get_cache,
    get_or_set,
)
from tests.platform.conftest import REDIS_TEST_URL


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def cache(request, redis_db):
    if request.param == "memory":
        return MemoryCache()
    return RedisCache(REDIS_TEST_URL, prefix="fundhouse-cache-test:")


def test_a_value_comes_back_until_deleted(cache):
    cache.set("fx:EURUSD", {"rate": "1.0842", "as_of": "2026-03-02"}, ttl=60)

    assert cache.get("fx:EURUSD") == {"rate": "1.0842", "as_of": "2026-03-02"}
    cache.delete("fx:EURUSD")
    assert cache.get("fx:EURUSD") is None
    assert cache.get("fx:EURUSD", "missing") == "missing"


def test_a_value_expires_after_its_ttl(cache):
    cache.set("quote:ACME", 101.5, ttl=0.05)
    assert cache.get("quote:ACME") == 101.5

    time.sleep(0.1)

    assert cache.get("quote:ACME") is None


def test_what_comes_back_is_a_copy(cache):
    holdings = {"lots": [1, 2]}
    cache.set("holdings", holdings, ttl=60)
    holdings["lots"].append(3)
    first = cache.get("holdings")
    first["lots"].append(4)

    assert cache.get("holdings") == {"lots": [1, 2]}


def test_only_json_values_are_accepted(cache):
    from decimal import Decimal

    with pytest.raises(TypeError, match="JSON"):
        cache.set("nav", Decimal("1.5"), ttl=60)
    with pytest.raises(ValueError, match="ttl"):
        cache.set("nav", "1.5", ttl=0)


def test_get_or_set_computes_once(cache):
    computed = []

    def compute():
        computed.append(1)
        return [3, 1, 2]

    assert get_or_set(cache, "k", 60, compute) == [3, 1, 2]
    assert get_or_set(cache, "k", 60, compute) == [3, 1, 2]
    assert len(computed) == 1


def test_a_cached_none_is_a_value_not_a_miss(cache):
    computed = []
    get_or_set(cache, "empty", 60, lambda: computed.append(1))
    get_or_set(cache, "empty", 60, lambda: computed.append(1))
    assert computed == [1]


def test_clear_empties_the_cache(cache):
    cache.set("a", 1, ttl=60)
    cache.set("b", 2, ttl=60)
    cache.clear()
    assert (cache.get("a"), cache.get("b")) == (None, None)


def test_memory_cache_expires_on_its_clock_and_evicts_the_least_recently_used():
    clock = Clock()
    cache = MemoryCache(max_entries=2, clock=clock)
    cache.set("a", 1, ttl=10)
    cache.set("b", 2, ttl=10)
    cache.get("a")
    cache.set("c", 3, ttl=10)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    clock.now += 10
    assert cache.get("a") is None
    assert len(cache) == 1


def test_memory_cache_is_safe_across_threads():
    cache = MemoryCache(max_entries=50)
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(300):
                cache.set(f"{n}:{i % 80}", i, ttl=60)
                cache.get(f"{(n + 1) % 4}:{i % 80}")
                if i % 7 == 0:
                    cache.delete(f"{n}:{i % 80}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(cache) <= 50


def test_redis_caches_of_two_processes_share_values_and_clear_only_their_keys(redis_db):
    one = RedisCache(REDIS_TEST_URL)
    two = RedisCache(REDIS_TEST_URL)
    redis_db.set("someone-else", "keep")

    one.set("shared", {"n": 1}, ttl=60)
    assert two.get("shared") == {"n": 1}

    two.clear()
    assert one.get("shared") is None
    assert redis_db.get("someone-else") == b"keep"


def test_settings_choose_the_backend_and_the_app_keeps_one_cache(settings):
    assert isinstance(build_cache(settings), MemoryCache)
    assert isinstance(
        build_cache(settings.model_copy(update={"redis_url": REDIS_TEST_URL})), RedisCache
    )

    app = FastAPI()
    app.state.settings = settings
    request = Request({"type": "http", "app": app})
    assert get_cache(request) is get_cache(request)
