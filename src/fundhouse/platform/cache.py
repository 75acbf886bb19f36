"""A small cache with expiry: in process by default, Redis when ``settings.redis_url`` is set.

Values are JSON (numbers, strings, booleans, None, lists, dicts) on both backends, stored as
a copy: what comes back never shares state with what went in, and code that works in process
works unchanged on Redis. Convert Decimals, dates and UUIDs to strings before caching them.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from starlette.requests import Request

from fundhouse.settings import Settings

_MISSING = object()
REDIS_KEY_PREFIX = "fundhouse-cache:"


class Cache(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, ttl: float) -> None: ...

    def delete(self, key: str) -> None: ...

    def clear(self) -> None: ...


def _encode(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cache values must be JSON: {exc}") from exc


def _check_ttl(ttl: float) -> None:
    if ttl <= 0:
        raise ValueError("ttl must be positive (seconds)")


class MemoryCache:
    """A thread-safe dict with per-entry expiry, evicting the least recently used when full."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            expires_at, encoded = entry
            if expires_at <= self._clock():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
        return json.loads(encoded)

    def set(self, key: str, value: Any, ttl: float) -> None:
        _check_ttl(ttl)
        encoded = _encode(value)
        with self._lock:
            self._entries[key] = (self._clock() + ttl, encoded)
            self._entries.move_to_end(key)
            if len(self._entries) > self.max_entries:
                self._evict()

    def _evict(self) -> None:
        now = self._clock()
        for key in [k for k, (expires_at, _) in self._entries.items() if expires_at <= now]:
            del self._entries[key]
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class RedisCache:
    """The same interface on Redis, shared by every process; keys live under one prefix."""

    def __init__(self, url: str, *, prefix: str = REDIS_KEY_PREFIX) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key: str, default: Any = None) -> Any:
        raw = self.client.get(self.prefix + key)
        if raw is None:
            return default
        return json.loads(raw)  # type: ignore[arg-type]

    def set(self, key: str, value: Any, ttl: float) -> None:
        _check_ttl(ttl)
        self.client.set(self.prefix + key, _encode(value), px=max(int(ttl * 1000), 1))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def clear(self) -> None:
        """Delete this cache's keys (only those under its prefix)."""
        batch: list[Any] = []
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                self.client.delete(*batch)
                batch.clear()
        if batch:
            self.client.delete(*batch)


def get_or_set(cache: Cache, key: str, ttl: float, compute: Callable[[], Any]) -> Any:
    """The cached value of ``key``, or ``compute()`` stored for ``ttl`` seconds."""
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, ttl)
    return value


def build_cache(settings: Settings) -> Cache:
    if settings.redis_url:
        return RedisCache(settings.redis_url)
    return MemoryCache()


def get_cache(request: Request) -> Cache:
    """The app's cache (FastAPI dependency), made on first use from the app's settings."""
    state = request.app.state
    cache: Cache | None = getattr(state, "cache", None)
    if cache is None:
        cache = build_cache(state.settings)
        state.cache = cache
    return cache
