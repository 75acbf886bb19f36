"""Fuzz the HTTP API with Schemathesis: the served app, the demo data, an LP and an admin.

``make fuzz-quick`` (part of ``make test``) runs a fixed seed and a few examples per operation
so the whole run stays within a few minutes; ``make fuzz`` runs many more with a random seed
(or ``FUZZ_SEED``). Each run starts from nothing: a fresh data directory is migrated, the demo
is loaded and the app is served on a free port, with the rate limits raised through settings so
the fuzzer is not answered 429. Then Schemathesis runs its examples, coverage and fuzzing
phases over the OpenAPI document, once with the LP's token and once with the admin's, and
checks that no answer is a server error, that every status, content type and body is the one
the document declares, and that inputs the document forbids are refused.

The LP runs first: the admin's run changes the organization (it unlinks users from investors,
for one) and the LP's run should see the demo as it was loaded.

    python -m tests.fuzz.run --examples 5 --seed 1
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
API = "/api/v1"
OPENAPI_PATH = "/api/openapi.json"

USERS = (
    ("lp", "lp@northwind.example", "demo-lp-pass-2026"),
    ("admin", "admin@northwind.example", "demo-admin-pass-2026"),
)

CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "content_type_conformance",
    "status_code_conformance",
    "negative_data_rejection",
)
PHASES = ("examples", "coverage", "fuzzing")

# Operations left out, because fuzzing them would break the run rather than test the API:
EXCLUDED = (
    # Ends every session of the fuzzing user (its token version moves on): each request after
    # it would be answered 401 and test nothing.
    "POST /api/v1/auth/logout-all",
    # A change of password ends the user's other sessions, and wrong current passwords add up
    # towards the account's lockout; tests/identity/test_auth.py covers the route.
    "POST /api/v1/me/password",
    # Enrolling leaves a pending second factor on the demo account, which the fuzzer can never
    # confirm (it cannot compute a TOTP code); tests/identity/test_mfa.py covers enrolment.
    "POST /api/v1/me/mfa/enroll",
    # With member ids taken from earlier answers the admin can promote another member and then
    # demote or switch off itself (or the LP), turning the rest of the run into 401 and 403;
    # tests/identity/test_users_admin.py covers the route.
    "PATCH /api/v1/users/{user_id}",
)
# Kept on purpose: POST /auth/logout ends only the session of the refresh token it is sent,
# and the fuzzer never holds one (the runs authenticate with access tokens alone).


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path, port: int, token_minutes: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUNDHOUSE_")}
    env.update(
        FUNDHOUSE_DATA_DIR=str(data_dir),
        FUNDHOUSE_SECRET_KEY=secrets.token_urlsafe(48),
        FUNDHOUSE_PORT=str(port),
        FUNDHOUSE_PUBLIC_URL=f"http://127.0.0.1:{port}",
        FUNDHOUSE_WEB_DIST=str(data_dir / "no-web"),
        FUNDHOUSE_RATE_LIMIT_IP="1000000/minute",
        FUNDHOUSE_RATE_LIMIT_USER="1000000/minute",
        FUNDHOUSE_RATE_LIMIT_LOGIN="1000000/minute",
        # Fuzzed logins must not lock the demo accounts the run signs in with.
        FUNDHOUSE_MAX_FAILED_LOGINS="1000000",
        FUNDHOUSE_ACCESS_TOKEN_MINUTES=str(token_minutes),
        # Cheap password hashes: the fuzzer signs in with made-up passwords many times.
        FUNDHOUSE_ARGON2_TIME_COST="1",
        FUNDHOUSE_ARGON2_MEMORY_COST_KIB="1024",
        FUNDHOUSE_ARGON2_PARALLELISM="1",
        FUNDHOUSE_LOG_JSON="false",
        FUNDHOUSE_LOG_LEVEL="WARNING",
    )
    return env


def _fundhouse(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "fundhouse"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The app exited while starting:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}{API}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"The app did not start within a minute:\n{log.read_text()}")


def _token(url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{url}{API}/auth/token",
        data={"username": email, "password": password},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _schemathesis(
    url: str, token: str, args: argparse.Namespace, report_dir: Path
) -> subprocess.CompletedProcess[bytes]:
    command = [
        str(BIN / "st"),
        "run",
        f"{url}{OPENAPI_PATH}",
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        ",".join(PHASES),
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--continue-on-failure",
        "--generation-database",
        "none",
        # The run authenticates with its bearer token only; made-up API keys or tokens would
        # just be answered 401.
        "--generation-with-security-parameters",
        "false",
        "--request-timeout",
        "60",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
        "--no-color",
    ]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    for name in EXCLUDED:
        command += ["--exclude-name", name]
    return subprocess.run(command, cwd=report_dir, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5, help="Examples per operation.")
    parser.add_argument("--seed", type=int, default=None, help="Seed (default: random).")
    parser.add_argument("--workers", type=int, default=2, help="Concurrent requests.")
    parser.add_argument(
        "--max-time",
        type=int,
        default=None,
        help="Seconds to fuzz each user for: fuzzing repeats until they are spent.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the data directory.")
    args = parser.parse_args()
    if args.seed is None:
        args.seed = secrets.randbelow(2**31)
    started = time.monotonic()
    print(f"fuzz: seed {args.seed}, {args.examples} examples per operation", flush=True)

    data_dir = Path(tempfile.mkdtemp(prefix="fundhouse-fuzz-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    token_minutes = max(60, 2 * (args.max_time or 3600) // 60 + 30)
    env = _server_env(data_dir, port, token_minutes)
    log = data_dir / "server.log"
    failed: list[str] = []
    try:
        _fundhouse(env, "migrate")
        _fundhouse(env, "demo")
        with log.open("wb") as out:
            server = subprocess.Popen(
                [str(BIN / "fundhouse"), "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_up(url, server, log)
            print(f"fuzz: demo served at {url} ({time.monotonic() - started:.0f}s)", flush=True)
            for role, email, password in USERS:
                report_dir = data_dir / f"report-{role}"
                report_dir.mkdir()
                print(f"fuzz: as {role} ({email})", flush=True)
                result = _schemathesis(url, _token(url, email, password), args, report_dir)
                if result.returncode != 0:
                    failed.append(role)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    finally:
        server_log = log.read_text() if log.exists() else ""
        if failed and "Traceback" in server_log:
            print("fuzz: the server's log, for the tracebacks:\n" + server_log, flush=True)
        if args.keep or failed:
            print(f"fuzz: data, reports and server log kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failed:
        print(f"fuzz: FAILED as {', '.join(failed)} (seed {args.seed}, {elapsed:.0f}s)")
        return 1
    print(f"fuzz: clean (seed {args.seed}, {elapsed:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
