"""The ``fundhouse`` command: serve, migrate, demo, create-user, worker, audit verify, openapi."""

from __future__ import annotations

import json
import sys

import click

from fundhouse.settings import get_settings


def _database():  # type: ignore[no-untyped-def]
    from fundhouse.platform.db import Database

    return Database(get_settings().resolved_database_url)


@click.group(help="Fundhouse: investment operations platform.")
def main() -> None:
    from fundhouse.platform.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)


@main.command(help="Serve the API and the web app.")
@click.option("--host", default=None, help="Address to bind (default FUNDHOUSE_HOST).")
@click.option("--port", type=int, default=None, help="Port (default FUNDHOUSE_PORT).")
@click.option("--workers", type=int, default=1, show_default=True, help="Server processes.")
def serve(host: str | None, port: int | None, workers: int) -> None:
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "fundhouse.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        log_config=None,
    )


@main.command(help="Bring the database schema up to date (Alembic migrations).")
def migrate() -> None:
    from fundhouse.platform.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    click.echo(f"database migrated: {_redact(settings.resolved_database_url)}")


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@main.command(help="Load the demo organizations, users and data (idempotent).")
def demo() -> None:
    from fundhouse.demo import load_demo
    from fundhouse.platform.events import drain_outbox
    from fundhouse.platform.jobs import load_job_modules

    database = _database()
    with database.session() as session:
        logins = load_demo(session)
        session.commit()
    # Deliver the demo's events now, so the server does not start with a backlog to work off.
    load_job_modules()
    while drain_outbox(database, batch=1000):
        pass
    click.echo("")
    click.echo("Demo logins (open http://127.0.0.1:8000):")
    for login in logins:
        click.echo(f"  {login.role:<16} {login.email:<36} {login.password}   ({login.org})")
    click.echo("")


@main.command("create-user", help="Create a user in an organization (creating it if needed).")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--org-name", default=None, help="Name when the organization is new.")
@click.option("--role", default="admin", show_default=True)
@click.password_option(help="At least 12 characters.")
def create_user(
    email: str, full_name: str, org_slug: str, org_name: str | None, role: str, password: str
) -> None:
    from fundhouse.identity import service
    from fundhouse.platform.errors import AppError

    database = _database()
    with database.session() as session:
        try:
            org = service.get_or_create_organization(session, org_slug, org_name or org_slug)
            user = service.create_user(session, org, email, full_name, password, role)
            session.commit()
        except AppError as exc:
            session.rollback()
            raise click.ClickException(exc.detail or str(exc)) from exc
    click.echo(f"created {user.email} as {role} in {org_slug}")


@main.command(help="Run a background job worker (Redis/Dramatiq when FUNDHOUSE_REDIS_URL is set).")
def worker() -> None:
    from fundhouse.platform.jobs import run_worker

    run_worker(get_settings())


@main.group(help="The audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check the audit hash chain; exits 1 at the first broken link.")
def audit_verify() -> None:
    from fundhouse.platform.audit import verify_chain

    database = _database()
    with database.session() as session:
        report = verify_chain(session)
    if report.ok:
        click.echo(f"OK: {report.checked} audit records, chain intact")
        return
    click.echo(
        f"BROKEN at record {report.broken_seq}: {report.reason} "
        f"({report.checked} records verified before it)",
        err=True,
    )
    sys.exit(1)


@main.command(help="Print the OpenAPI document as JSON.")
def openapi() -> None:
    from fundhouse.app import create_app

    click.echo(json.dumps(create_app().openapi(), indent=1))


if __name__ == "__main__":
    main()
