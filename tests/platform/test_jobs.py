"""Background jobs on each runner: eager (tests), threads (the default) and Dramatiq on Redis."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fundhouse.platform import events
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.events import Event, emit, on
from fundhouse.platform.jobs import (
    INTERRUPTED,
    DramatiqJobRunner,
    JobContext,
    JobError,
    RetryableJobError,
    ThreadJobRunner,
    activate_runner,
    build_job_runner,
    enqueue,
    fail_interrupted_jobs,
    job,
    run_job,
    run_worker,
)
from fundhouse.platform.jobs_models import Job, JobStatus, OutboxEvent
from tests.platform.conftest import REDIS_TEST_URL, wait_for

calls: list[tuple[str, dict]] = []
progress_seen: list[tuple[int, int | None, str | None]] = []
gate = threading.Event()


def _read_job(database: Database, job_id: uuid.UUID) -> Job | None:
    with database.session() as session:
        return session.get(Job, job_id)


@job("tests.count_to")
def count_to(ctx: JobContext, n: int) -> dict:
    calls.append(("count_to", {"n": n}))
    for i in range(1, n + 1):
        ctx.progress(i, n, f"counted {i}")
        with ctx._database.session() as fresh:
            row = fresh.get(Job, ctx.job_id)
            progress_seen.append((row.progress_done, row.progress_total, row.message))
    return {"counted": n}


@job("tests.refuses")
def refuses(ctx: JobContext, reason: str) -> None:
    raise JobError(reason)


@job("tests.crashes")
def crashes(ctx: JobContext) -> None:
    raise ValueError("secret internal detail")


@job("tests.flaky", max_attempts=3, retry_backoff=timedelta(milliseconds=10))
def flaky(ctx: JobContext, failures: int) -> dict:
    calls.append(("flaky", {"attempt": ctx.attempt}))
    if ctx.attempt <= failures:
        raise RetryableJobError(f"remote busy (attempt {ctx.attempt})")
    return {"attempt": ctx.attempt}


@job("tests.emits_then_maybe_fails")
def emits_then_maybe_fails(ctx: JobContext, fail: bool) -> None:
    emit(ctx.db, "tests.job_side_effect", {"job": str(ctx.job_id)})
    if fail:
        raise JobError("changed my mind")


@job("tests.gated")
def gated(ctx: JobContext) -> dict:
    ctx.progress(1, 2, "waiting at the gate")
    if not gate.wait(15):
        raise JobError("the gate never opened")
    ctx.progress(2, 2, "through the gate")
    return {"passed": True}


@pytest.fixture(autouse=True)
def _clean_state():
    calls.clear()
    progress_seen.clear()
    gate.clear()
    yield
    gate.set()


# Eager runner: the test mode ----------------------------------------------------------------


def test_job_starts_only_after_commit_and_reports_progress_and_result(eager, db):
    row = enqueue(db, "tests.count_to", {"n": 3})
    assert row.status == JobStatus.QUEUED
    assert calls == []

    db.commit()

    done = _read_job(eager.database, row.id)
    assert done.status == JobStatus.SUCCEEDED
    assert done.result == {"counted": 3}
    assert (done.progress_done, done.progress_total, done.message) == (3, 3, "counted 3")
    assert done.attempts == 1
    assert done.started_at is not None and done.finished_at >= done.started_at
    assert progress_seen == [(1, 3, "counted 1"), (2, 3, "counted 2"), (3, 3, "counted 3")]


def test_a_rolled_back_transaction_starts_no_job(eager, db):
    row = enqueue(db, "tests.count_to", {"n": 1})
    job_id = row.id
    db.rollback()

    assert calls == []
    assert _read_job(eager.database, job_id) is None

    db.commit()
    assert calls == []


def test_a_job_refusing_with_a_reason_is_failed_with_that_reason(eager, db):
    row = enqueue(db, "tests.refuses", {"reason": "The file has no header row."})
    db.commit()

    failed = _read_job(eager.database, row.id)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "The file has no header row."
    assert failed.finished_at is not None


def test_an_unexpected_exception_fails_the_job_without_leaking_its_message(eager, db):
    row = enqueue(db, "tests.crashes")
    db.commit()

    failed = _read_job(eager.database, row.id)
    assert failed.status == JobStatus.FAILED
    assert "ValueError" in failed.error
    assert "secret" not in failed.error


def test_a_transient_failure_is_retried_until_it_succeeds(eager, db):
    row = enqueue(db, "tests.flaky", {"failures": 2})
    db.commit()

    done = _read_job(eager.database, row.id)
    assert done.status == JobStatus.SUCCEEDED
    assert done.attempts == 3
    assert done.result == {"attempt": 3}
    assert [c[1]["attempt"] for c in calls] == [1, 2, 3]


def test_retries_stop_at_the_maximum_number_of_attempts(eager, db):
    row = enqueue(db, "tests.flaky", {"failures": 5})
    db.commit()

    failed = _read_job(eager.database, row.id)
    assert failed.status == JobStatus.FAILED
    assert failed.attempts == 3
    assert failed.error == "remote busy (attempt 3)"


def test_a_job_commits_its_writes_with_its_success_and_discards_them_with_its_failure(eager, db):
    kept = enqueue(db, "tests.emits_then_maybe_fails", {"fail": False})
    dropped = enqueue(db, "tests.emits_then_maybe_fails", {"fail": True})
    db.commit()

    payloads = db.scalars(
        select(OutboxEvent.payload).where(OutboxEvent.event_type == "tests.job_side_effect")
    ).all()
    assert payloads == [{"job": str(kept.id)}]
    assert _read_job(eager.database, dropped.id).status == JobStatus.FAILED


def test_an_unregistered_kind_is_refused_when_enqueued(eager, db):
    with pytest.raises(LookupError, match="tests.nobody"):
        enqueue(db, "tests.nobody")


def test_a_job_handed_out_twice_runs_once(eager, db):
    row = enqueue(db, "tests.count_to", {"n": 1})
    db.commit()

    assert run_job(eager.database, row.id) is None
    assert calls == [("count_to", {"n": 1})]


def test_a_job_whose_process_went_silent_is_marked_failed(no_runner, database, db):
    now = utcnow()
    silent = Job(
        kind="tests.count_to", status="running", params={}, heartbeat_at=now - timedelta(minutes=10)
    )
    alive = Job(
        kind="tests.count_to", status="running", params={}, heartbeat_at=now - timedelta(seconds=5)
    )
    db.add_all([silent, alive])
    db.commit()

    assert fail_interrupted_jobs(database) == 1

    db.expire_all()
    assert (db.get(Job, silent.id).status, db.get(Job, silent.id).error) == ("failed", INTERRUPTED)
    assert db.get(Job, alive.id).status == JobStatus.RUNNING


def test_the_test_settings_build_the_eager_runner(settings, database):
    previous = activate_runner(None)
    try:
        runner = build_job_runner(settings, database)
        assert runner.backend == "eager"
    finally:
        activate_runner(previous)


# Threads: the default runner, against a database that really commits -----------------------


@pytest.fixture
def thread_runner(committed_database):
    runner = ThreadJobRunner(committed_database, threads=2, tick_seconds=0.05)
    previous = activate_runner(runner)
    try:
        yield runner
    finally:
        gate.set()
        runner.shutdown()
        activate_runner(previous)


def test_thread_runner_runs_a_job_and_its_progress_is_visible_while_it_runs(
    thread_runner, committed_database
):
    with committed_database.session() as session:
        job_id = enqueue(session, "tests.gated").id
        session.commit()

    halfway = wait_for(
        lambda: (j := _read_job(committed_database, job_id)) and j.progress_done == 1 and j
    )
    assert halfway.status == JobStatus.RUNNING
    assert (halfway.progress_total, halfway.message) == (2, "waiting at the gate")
    thread_runner.maintain()
    assert _read_job(committed_database, job_id).heartbeat_at > halfway.heartbeat_at, (
        "the runner vouches for the jobs it is running"
    )

    gate.set()
    done = wait_for(
        lambda: (j := _read_job(committed_database, job_id)) and j.status == "succeeded" and j
    )
    assert done.result == {"passed": True}
    assert done.progress_done == 2


def test_thread_runner_picks_up_jobs_left_queued_and_fails_those_left_running(committed_database):
    with committed_database.session() as session:
        left_queued = enqueue(session, "tests.count_to", {"n": 2}).id
        left_running = Job(
            kind="tests.count_to",
            status="running",
            params={"n": 1},
            heartbeat_at=utcnow() - timedelta(minutes=30),
        )
        session.add(left_running)
        session.commit()
        left_running_id = left_running.id

    runner = ThreadJobRunner(committed_database, threads=1, tick_seconds=0.05)
    try:
        wait_for(lambda: _read_job(committed_database, left_queued).status == "succeeded")
        wait_for(lambda: _read_job(committed_database, left_running_id).status == "failed")
    finally:
        runner.shutdown()
    assert _read_job(committed_database, left_running_id).error == INTERRUPTED


def test_thread_runner_delivers_events_soon_after_the_commit(thread_runner, committed_database):
    delivered = threading.Event()

    def handler(db, event: Event) -> None:
        delivered.set()

    on("tests.threads_noticed")(handler)
    try:
        with committed_database.session() as session:
            emit(session, "tests.threads_noticed", {"x": 1})
            session.commit()
        assert delivered.wait(5)
    finally:
        events.remove_handler("tests.threads_noticed", handler)


# Dramatiq on Redis, with a real worker --------------------------------------------------------


def test_dramatiq_worker_runs_a_job_end_to_end_with_progress(
    settings, committed_database, redis_db
):
    worker_settings = settings.model_copy(
        update={
            "redis_url": REDIS_TEST_URL,
            "database_url": committed_database.url,
            "job_threads": 2,
        }
    )
    delivered = threading.Event()

    def handler(db, event: Event) -> None:
        delivered.set()

    on("tests.worker_noticed")(handler)
    web = DramatiqJobRunner(committed_database, REDIS_TEST_URL)
    previous = activate_runner(web)
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(worker_settings,), kwargs={"stop": stop})
    worker.start()
    try:
        with committed_database.session() as session:
            job_id = enqueue(session, "tests.gated").id
            emit(session, "tests.worker_noticed", {})
            session.commit()

        halfway = wait_for(
            lambda: (j := _read_job(committed_database, job_id)) and j.progress_done == 1 and j
        )
        assert (halfway.status, halfway.message) == ("running", "waiting at the gate")
        gate.set()
        done = wait_for(
            lambda: (j := _read_job(committed_database, job_id)) and j.status == "succeeded" and j
        )
        assert done.result == {"passed": True}
        assert done.attempts == 1
        assert delivered.wait(5), "the worker drains the outbox"
    finally:
        gate.set()
        stop.set()
        worker.join(30)
        web.shutdown()
        activate_runner(previous)
        events.remove_handler("tests.worker_noticed", handler)
    assert not worker.is_alive()
    with committed_database.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(Job).where(Job.status == "running"))
            == 0
        )
