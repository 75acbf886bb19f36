"""Every setting of Fundhouse, read from ``FUNDHOUSE_*`` environment variables.

The defaults run the whole platform on one laptop: a SQLite file and a generated secret key in
the data directory, jobs on threads inside the server, cache and rate limits in process.
Setting ``FUNDHOUSE_DATABASE_URL`` (PostgreSQL) and ``FUNDHOUSE_REDIS_URL`` scales it out.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDHOUSE_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str | None = None
    # After changing the secret key, list the old ones here (a JSON array) so fields encrypted
    # with them still decrypt (see fundhouse.platform.crypto).
    previous_secret_keys: list[str] = []
    environment: str = "development"

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    web_dist: Path | None = None
    cors_origins: list[str] = []
    secure_cookies: bool = False
    # The bearer token Prometheus sends to scrape /metrics; unset, /metrics answers 403.
    metrics_token: str | None = None

    access_token_minutes: int = 15
    refresh_token_days: int = 14
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    mfa_issuer: str = "Fundhouse"
    invitation_days: int = 7

    # argon2id cost of password hashes: RFC 9106's second recommended option (3 passes over
    # 64 MiB, 4 lanes), about 50 ms a hash on a laptop. Raising them rehashes each password at
    # its owner's next login; the tests lower them to keep the suite fast.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    argon2_parallelism: int = 4

    rate_limit_ip: str = "600/minute"
    rate_limit_user: str = "1200/minute"
    rate_limit_login: str = "20/minute"

    job_threads: int = 2
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'fundhouse.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @cached_property
    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once into the data directory and kept there."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "secret.key"
        try:
            # Created readable by its owner only from the first byte (no window in which a
            # default umask leaves it readable), and never over a key another process wrote.
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return key_file.read_text().strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip()

    @property
    def resolved_web_dist(self) -> Path:
        if self.web_dist:
            return self.web_dist
        return Path(__file__).resolve().parents[2] / "web" / "dist"


_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


def set_settings(settings: Settings) -> None:
    global _settings
    _settings = settings
