"""Background jobs: one way to write them, three ways to run them.

Writing and starting a job::

    @job("reports.build_statement", max_attempts=3)
    def build_statement(ctx: JobContext, fund_id: str) -> dict[str, Any]:
        for done, page in enumerate(pages, 1):
            ...                                   # work through ctx.db
            ctx.progress(done, len(pages), "Rendering pages")
        return {"document_id": str(document.id)}  # stored as the job's result

    row = enqueue(db, "reports.build_statement", {"fund_id": str(fund.id)}, actor=actor)

``enqueue`` writes the job row in the caller's transaction and hands the job to the runner only
after that transaction commits: a request that rolls back starts nothing. Parameters and results
are JSON.

A job acts for whoever started it and never with more rights than they had then: the row
keeps the starter's permissions (for an API key, the key's scopes, not its owner's role) and
the key's id. :func:`fundhouse.identity.service.actor_for_job` builds the job's :class:`Actor`
from them and from the starter's membership when the job runs. A job queued while serving a
request is bound by that request's rights even when the caller names only ``created_by``.

A domain keeps its jobs (and its outbox handlers) in ``<domain>/jobs.py``, which
:func:`load_job_modules` imports in every process that runs jobs.

Runners (DESIGN.md §6), chosen by :func:`build_job_runner`:

- ``threads`` (the default): a pool of ``settings.job_threads`` worker threads in the server. A
  committed job is handed to the pool at once; a ticker thread also polls the table for queued
  jobs that are due (retries, jobs written by other processes or left over by a dead one),
  drains the outbox every second and right after commits that emitted events.
- ``dramatiq`` (when ``settings.redis_url`` is set): the job id is sent to Redis through a
  Dramatiq ``RedisBroker`` and ``fundhouse worker`` processes (:func:`run_worker`) run it; the
  workers also drain the outbox.
- ``eager`` (``job_threads == 0`` and no Redis; the test mode): the job runs right after the
  commit, in the committing thread, on ``runner.database``; events are drained the same way.

Whatever the runner, a job is claimed by one atomic ``UPDATE ... WHERE status = 'queued'``, so a
job handed out twice still runs once.

Failures: the job's session is rolled back and the error recorded. A job raising
:class:`JobError` shows its message to the people waiting on it; any other exception shows only
its type (the traceback goes to the log). :class:`RetryableJobError` (or an exception listed in
``retry_on``) makes the job queued again after a backoff while it has attempts left.

Interrupted jobs are marked **failed**, never re-run by themselves: a job that died half way may
have had effects that running it again would repeat. A running job's ``heartbeat_at`` is
refreshed every few seconds by the process running it; a job silent for ``STALE_AFTER`` is
marked failed by any runner's maintenance, including the one started after a crash. Jobs still
queued when a process died are picked up again (threads: at the next poll; Dramatiq: Redis keeps
them, and a worker re-sends any left queued for ``STUCK_AFTER``).

SQLite has one writer at a time: a long job should ``ctx.db.commit()`` after each chunk of work
so it does not hold the write lock the web requests need. While the job's session holds
uncommitted work, ``ctx.progress`` writes through that session (a second connection would wait
on the job's own lock) and the progress appears when the job commits.
"""

from __future__ import annotations

import abc
import importlib
import importlib.util
import logging
import pkgutil
import queue
import signal
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundhouse.platform import events, idempotency
from fundhouse.platform.access import REQUEST_ACTOR_INFO, Actor, require
from fundhouse.platform.audit import Context, json_safe
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.errors import NotFound
from fundhouse.platform.jobs_models import Job, JobStatus
from fundhouse.platform.pagination import DEFAULT_LIMIT, paginate
from fundhouse.platform.transactions import on_commit

if TYPE_CHECKING:
    import dramatiq

    from fundhouse.settings import Settings

log = logging.getLogger("fundhouse.jobs")

TICK_SECONDS = 1.0
MAINTENANCE_SECONDS = 15.0
PURGE_SECONDS = 3600.0
STALE_AFTER = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=5)
DUE_BATCH = 100
INTERRUPTED = "Interrupted: the process running this job stopped before it finished."
DRAMATIQ_QUEUE = "fundhouse-jobs"
DRAMATIQ_ACTOR = "fundhouse_run_job"

JobFunction = Callable[..., Any]
F = TypeVar("F", bound=JobFunction)


class JobError(Exception):
    """A failure the job explains itself: the message is shown as the job's error."""


class RetryableJobError(JobError):
    """A transient failure (a timeout, a busy remote service): the job runs again if it may."""


@dataclass(frozen=True)
class JobDefinition:
    kind: str
    fn: JobFunction
    max_attempts: int = 1
    retry_on: tuple[type[BaseException], ...] = (RetryableJobError,)
    retry_backoff: timedelta = timedelta(seconds=5)

    def delay_before_retry(self, attempts: int) -> timedelta:
        """Exponential backoff: ``retry_backoff`` after the first failure, doubling after each."""
        return self.retry_backoff * (2 ** max(attempts - 1, 0))


_registry: dict[str, JobDefinition] = {}
_registry_lock = threading.Lock()


def job(
    kind: str,
    *,
    max_attempts: int = 1,
    retry_on: tuple[type[BaseException], ...] = (),
    retry_backoff: timedelta = timedelta(seconds=5),
) -> Callable[[F], F]:
    """Register ``fn(ctx, **params)`` as the job ``kind`` (e.g. ``"reports.build_statement"``)."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(fn: F) -> F:
        with _registry_lock:
            existing = _registry.get(kind)
            if existing is not None and _qualified(existing.fn) != _qualified(fn):
                raise ValueError(f"The job kind {kind!r} is already {_qualified(existing.fn)}.")
            _registry[kind] = JobDefinition(
                kind, fn, max_attempts, (RetryableJobError, *retry_on), retry_backoff
            )
        return fn

    return register


def _qualified(fn: JobFunction) -> str:
    return f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}"


def job_definition(kind: str) -> JobDefinition | None:
    with _registry_lock:
        return _registry.get(kind)


def registered_kinds() -> frozenset[str]:
    with _registry_lock:
        return frozenset(_registry)


def load_job_modules() -> list[str]:
    """Import every domain's ``jobs`` module, registering its jobs and outbox handlers."""
    import fundhouse

    loaded = []
    for info in pkgutil.iter_modules(fundhouse.__path__):
        if not info.ispkg or info.name == "platform":
            continue
        name = f"fundhouse.{info.name}.jobs"
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name)
        loaded.append(name)
    return loaded


def enqueue(
    db: Session,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    org_id: uuid.UUID | None = None,
    created_by: uuid.UUID | None = None,
    actor: Actor | None = None,
) -> Job:
    """Queue the job ``kind`` in the caller's transaction; it starts once that commits.

    The job is bound by the rights of ``actor``, or of the request this session serves when no
    actor is given (see the module): started through an API key, it runs with the key's scopes.
    """
    if job_definition(kind) is None:
        raise LookupError(f"No job is registered as {kind!r}.")
    if actor is None:
        bound = db.info.get(REQUEST_ACTOR_INFO)
        actor = bound if isinstance(bound, Actor) else None
    permissions: list[str] | None = None
    api_key_id: uuid.UUID | None = None
    if actor is not None:
        org_id = org_id or actor.org_id
        created_by = created_by or actor.user_id
        permissions = sorted(actor.permissions)
        api_key_id = actor.api_key_id
    now = utcnow()
    row = Job(
        kind=kind,
        status=JobStatus.QUEUED.value,
        params=json_safe(params or {}),
        org_id=org_id,
        created_by=created_by,
        permissions=permissions,
        api_key_id=api_key_id,
        created_at=now,
        run_after=now,
        attempts=0,
        progress_done=0,
    )
    db.add(row)
    db.flush()
    on_commit(db, "jobs.dispatch", _dispatch_committed, row.id)
    return row


def _dispatch_committed(job_ids: list[Any]) -> None:
    runner = _active_runner
    if runner is None:
        log.warning(
            "jobs committed while no job runner is active; they stay queued until one starts",
            extra={"fields": {"job_ids": [str(i) for i in job_ids]}},
        )
        return
    runner.dispatch(job_ids)


class JobContext:
    """What a running job is given: who asked for it and with what rights, a session of its
    own, a progress meter.

    ``permissions`` are the rights the job was started with (None for a job the system
    started); ``api_key_id`` the key it was started through. ``db`` is committed when the job
    function returns (together with the job's success) and rolled back when it raises.
    """

    def __init__(
        self,
        database: Database,
        *,
        job_id: uuid.UUID,
        kind: str,
        org_id: uuid.UUID | None,
        created_by: uuid.UUID | None,
        attempt: int,
        permissions: Sequence[str] | None = None,
        api_key_id: uuid.UUID | None = None,
    ) -> None:
        self.job_id = job_id
        self.kind = kind
        self.org_id = org_id
        self.created_by = created_by
        self.attempt = attempt
        self.permissions = frozenset(permissions) if permissions is not None else None
        self.api_key_id = api_key_id
        self.db: Session = database.session()
        self._database = database
        self._is_sqlite = database.engine.dialect.name == "sqlite"

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record how far the job is, for the API and the browser polling it."""
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["message"] = message[:500]
        stmt = (
            update(Job)
            .where(Job.id == self.job_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if self._is_sqlite and self.db.in_transaction():
            self.db.execute(stmt)
            return
        with self._database.session() as session:
            session.execute(stmt)
            session.commit()

    def allowed(self, permissions: frozenset[str]) -> frozenset[str]:
        """The part of ``permissions`` (the starter's rights now) this job may use: no more
        than it was started with."""
        if self.permissions is None:
            return permissions
        return permissions & self.permissions

    @property
    def audit_context(self) -> Context:
        """Who to name in audit records the job writes: the user who started it, via the job."""
        return Context(
            org_id=self.org_id, user_id=self.created_by, label=f"job:{self.kind}", via="job"
        )


def _claim(database: Database, job_id: uuid.UUID) -> Any:
    now = utcnow()
    with database.session() as session:
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
            .values(
                status=JobStatus.RUNNING.value,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
            )
            .returning(
                Job.kind,
                Job.params,
                Job.org_id,
                Job.created_by,
                Job.attempts,
                Job.permissions,
                Job.api_key_id,
            )
            .execution_options(synchronize_session=False)
        ).first()
        session.commit()
    return claimed


def _set_job(database: Database, job_id: uuid.UUID, **values: Any) -> None:
    with database.session() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, JobError):
        return (str(exc) or type(exc).__name__)[:4000]
    return f"The job failed unexpectedly ({type(exc).__name__}); the details are in the server log."


def run_job(database: Database, job_id: uuid.UUID, runner: JobRunner | None = None) -> str | None:
    """Run one queued job to its end and return its status afterwards.

    Returns None when the job was not queued: another worker took it, it finished already, or
    the transaction that wrote it was rolled back.
    """
    claimed = _claim(database, job_id)
    if claimed is None:
        return None
    kind, params, org_id, created_by, attempts, permissions, api_key_id = claimed
    definition = job_definition(kind)
    if definition is None:
        _set_job(
            database,
            job_id,
            status=JobStatus.FAILED.value,
            error=f"No job is registered as {kind!r} in the process that ran it.",
            finished_at=utcnow(),
            heartbeat_at=None,
        )
        return JobStatus.FAILED.value
    ctx = JobContext(
        database,
        job_id=job_id,
        kind=kind,
        org_id=org_id,
        created_by=created_by,
        attempt=attempts,
        permissions=permissions,
        api_key_id=api_key_id,
    )
    try:
        result = definition.fn(ctx, **(params or {}))
        ctx.db.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status=JobStatus.SUCCEEDED.value,
                result=json_safe(result),
                error=None,
                finished_at=utcnow(),
                heartbeat_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        ctx.db.commit()
        return JobStatus.SUCCEEDED.value
    except Exception as exc:
        ctx.db.rollback()
        error = _describe(exc)
        if isinstance(exc, definition.retry_on) and attempts < definition.max_attempts:
            delay = definition.delay_before_retry(attempts)
            log.warning(
                "job failed, will retry",
                extra={"fields": {"job_id": str(job_id), "kind": kind, "attempt": attempts}},
                exc_info=not isinstance(exc, JobError),
            )
            _set_job(
                database,
                job_id,
                status=JobStatus.QUEUED.value,
                run_after=utcnow() + delay,
                error=error,
                heartbeat_at=None,
            )
            if runner is not None:
                runner.dispatch_later(job_id, delay)
            return JobStatus.QUEUED.value
        log.warning(
            "job failed",
            extra={"fields": {"job_id": str(job_id), "kind": kind, "attempt": attempts}},
            exc_info=not isinstance(exc, JobError),
        )
        _set_job(
            database,
            job_id,
            status=JobStatus.FAILED.value,
            error=error,
            finished_at=utcnow(),
            heartbeat_at=None,
        )
        return JobStatus.FAILED.value
    finally:
        ctx.db.close()


def fail_interrupted_jobs(database: Database, stale_after: timedelta = STALE_AFTER) -> int:
    """Mark failed the running jobs whose process has been silent for ``stale_after``."""
    now = utcnow()
    with database.session() as session:
        result = session.execute(
            update(Job)
            .where(Job.status == JobStatus.RUNNING.value, Job.heartbeat_at < now - stale_after)
            .values(
                status=JobStatus.FAILED.value,
                error=INTERRUPTED,
                finished_at=now,
                heartbeat_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.warning("marked interrupted jobs failed", extra={"fields": {"count": count}})
    return count


def due_job_ids(database: Database, *, older_than: timedelta = timedelta(0)) -> list[uuid.UUID]:
    """Queued jobs whose ``run_after`` passed at least ``older_than`` ago, oldest first."""
    with database.session() as session:
        return list(
            session.scalars(
                select(Job.id)
                .where(
                    Job.status == JobStatus.QUEUED.value,
                    Job.run_after <= utcnow() - older_than,
                )
                .order_by(Job.run_after)
                .limit(DUE_BATCH)
            ).all()
        )


class JobRunner(abc.ABC):
    """Where committed jobs go to run. ``database`` is the one jobs open their sessions on."""

    backend = "base"

    def __init__(self, database: Database) -> None:
        self.database = database
        self._running: set[uuid.UUID] = set()
        self._running_lock = threading.Lock()
        self._last_maintenance = float("-inf")
        self._last_purge = float("-inf")

    @abc.abstractmethod
    def dispatch(self, job_ids: Sequence[uuid.UUID]) -> None:
        """Hand committed jobs to this backend to run."""

    def dispatch_later(self, job_id: uuid.UUID, delay: timedelta) -> None:
        """A retry was scheduled at ``run_after``; by default the due-jobs poll finds it."""

    def outbox_written(self) -> None:
        """A transaction that emitted events committed."""

    def run(self, job_id: uuid.UUID) -> str | None:
        with self._running_lock:
            self._running.add(job_id)
        try:
            return run_job(self.database, job_id, self)
        finally:
            with self._running_lock:
                self._running.discard(job_id)

    def running_job_ids(self) -> list[uuid.UUID]:
        with self._running_lock:
            return list(self._running)

    def drain(self) -> int:
        """Deliver every due outbox event, batch after batch; return how many were delivered."""
        total = 0
        while True:
            delivered = events.drain_outbox(self.database)
            total += delivered
            if delivered < events.DEFAULT_BATCH:
                return total

    def maintain(self) -> None:
        """Heartbeat this process's running jobs, fail the silent ones, purge expired rows."""
        running = self.running_job_ids()
        if running:
            with self.database.session() as session:
                session.execute(
                    update(Job)
                    .where(Job.id.in_(running), Job.status == JobStatus.RUNNING.value)
                    .values(heartbeat_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
                session.commit()
        fail_interrupted_jobs(self.database)
        if time.monotonic() - self._last_purge >= PURGE_SECONDS:
            with self.database.session() as session:
                events.purge_delivered(session)
                idempotency.purge_expired(session)
                session.commit()
            self._last_purge = time.monotonic()

    def tick(self) -> None:
        """One round of the periodic work: drain the outbox, and maintain every 15 s."""
        self.drain()
        if time.monotonic() - self._last_maintenance >= MAINTENANCE_SECONDS:
            self.maintain()
            self._last_maintenance = time.monotonic()

    def shutdown(self) -> None:
        """Stop the runner's own threads and connections. It stays the active runner: jobs
        committed after this stay queued for the next process (an eager runner keeps running
        them, so an app can go through its lifespan more than once, as in tests)."""


class EagerJobRunner(JobRunner):
    """Runs each job right after its commit, in the committing thread (tests, scripts)."""

    backend = "eager"

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self._local = threading.local()

    def dispatch(self, job_ids: Sequence[uuid.UUID]) -> None:
        for job_id in job_ids:
            self.run(job_id)

    def dispatch_later(self, job_id: uuid.UUID, delay: timedelta) -> None:
        self.run(job_id)

    def outbox_written(self) -> None:
        if getattr(self._local, "draining", False):
            self._local.again = True
            return
        self._local.draining = True
        try:
            while True:
                self._local.again = False
                self.drain()
                if not self._local.again:
                    return
        finally:
            self._local.draining = False


class ThreadJobRunner(JobRunner):
    """A pool of worker threads inside the server process, fed after commits and by polling."""

    backend = "threads"

    def __init__(
        self, database: Database, threads: int, *, tick_seconds: float = TICK_SECONDS
    ) -> None:
        super().__init__(database)
        self.tick_seconds = tick_seconds
        self._queue: queue.SimpleQueue[uuid.UUID | None] = queue.SimpleQueue()
        self._submitted: set[uuid.UUID] = set()
        self._submitted_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._last_tick_error: str | None = None
        self._workers = [
            threading.Thread(target=self._work, name=f"fundhouse-job-{n}", daemon=True)
            for n in range(max(threads, 1))
        ]
        self._ticker = threading.Thread(
            target=self._tick_loop, name="fundhouse-jobs-tick", daemon=True
        )
        for thread in self._workers:
            thread.start()
        self._ticker.start()

    def dispatch(self, job_ids: Sequence[uuid.UUID]) -> None:
        for job_id in job_ids:
            self._submit(job_id)

    def _submit(self, job_id: uuid.UUID) -> None:
        with self._submitted_lock:
            if job_id in self._submitted or self._stop.is_set():
                return
            self._submitted.add(job_id)
        self._queue.put(job_id)

    def outbox_written(self) -> None:
        self._wake.set()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self.run(job_id)
            except Exception:
                log.exception(
                    "job runner could not run a job", extra={"fields": {"job_id": str(job_id)}}
                )
            finally:
                with self._submitted_lock:
                    self._submitted.discard(job_id)

    def tick(self) -> None:
        super().tick()
        self.dispatch(due_job_ids(self.database))

    def _tick_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
                self._last_tick_error = None
            except Exception as exc:
                described = f"{type(exc).__name__}: {exc}"
                if described != self._last_tick_error:
                    log.exception("job runner maintenance failed; retrying every tick")
                self._last_tick_error = described
            self._wake.wait(self.tick_seconds)
            self._wake.clear()

    def shutdown(self, timeout: float = 10.0) -> None:
        super().shutdown()
        self._stop.set()
        self._wake.set()
        for _ in self._workers:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in [self._ticker, *self._workers]:
            thread.join(max(deadline - time.monotonic(), 0))
        still_running = self.running_job_ids()
        if still_running:
            log.warning(
                "jobs still running at shutdown will be marked failed once found silent",
                extra={"fields": {"job_ids": [str(i) for i in still_running]}},
            )


class DramatiqJobRunner(JobRunner):
    """Sends job ids to Redis; ``fundhouse worker`` processes (:func:`run_worker`) run them."""

    backend = "dramatiq"

    def __init__(self, database: Database, redis_url: str, *, namespace: str = "fundhouse") -> None:
        super().__init__(database)
        import dramatiq
        from dramatiq.brokers.redis import RedisBroker
        from dramatiq.middleware import Retries

        # Retries covers failures outside the job (the database unreachable before the claim);
        # the job's own failures are recorded on its row by run_job and never reach Dramatiq.
        self.broker = RedisBroker(
            url=redis_url,
            namespace=namespace,
            middleware=[Retries(max_retries=5, min_backoff=1000, max_backoff=60_000)],
        )
        self.actor: dramatiq.Actor[[str], None] = dramatiq.Actor(
            self._perform,
            broker=self.broker,
            actor_name=DRAMATIQ_ACTOR,
            queue_name=DRAMATIQ_QUEUE,
            priority=0,
            options={},
        )

    def _perform(self, job_id: str) -> None:
        self.run(uuid.UUID(job_id))

    def dispatch(self, job_ids: Sequence[uuid.UUID]) -> None:
        for job_id in job_ids:
            self.actor.send(str(job_id))

    def dispatch_later(self, job_id: uuid.UUID, delay: timedelta) -> None:
        self.actor.send_with_options(args=(str(job_id),), delay=int(delay.total_seconds() * 1000))

    def maintain(self) -> None:
        super().maintain()
        self.resend_stuck_jobs()

    def resend_stuck_jobs(self) -> int:
        """Send again the jobs queued for ``STUCK_AFTER`` (their message was lost before Redis).

        ``run_after`` moves to now, so each is re-sent at most once per ``STUCK_AFTER``; a job
        sent twice still runs once.
        """
        stuck = due_job_ids(self.database, older_than=STUCK_AFTER)
        if not stuck:
            return 0
        with self.database.session() as session:
            session.execute(
                update(Job)
                .where(Job.id.in_(stuck), Job.status == JobStatus.QUEUED.value)
                .values(run_after=utcnow())
                .execution_options(synchronize_session=False)
            )
            session.commit()
        self.dispatch(stuck)
        return len(stuck)

    def start_worker(self, threads: int) -> dramatiq.Worker:
        """A Dramatiq worker consuming this runner's queue in this process (started)."""
        import dramatiq

        worker = dramatiq.Worker(self.broker, worker_threads=max(threads, 1), worker_timeout=1000)
        worker.start()
        return worker

    def shutdown(self) -> None:
        super().shutdown()
        self.broker.close()


_active_runner: JobRunner | None = None


def activate_runner(runner: JobRunner | None) -> JobRunner | None:
    """Make ``runner`` the one committed jobs and events go to; return the one it replaces."""
    global _active_runner
    previous, _active_runner = _active_runner, runner
    events.set_drain_trigger(runner.outbox_written if runner is not None else None)
    return previous


def current_runner() -> JobRunner | None:
    return _active_runner


def build_job_runner(settings: Settings, database: Database) -> JobRunner:
    """The runner the settings ask for, made active: Dramatiq with Redis, threads, or eager."""
    load_job_modules()
    runner: JobRunner
    if settings.redis_url:
        runner = DramatiqJobRunner(database, settings.redis_url)
    elif settings.job_threads > 0:
        runner = ThreadJobRunner(database, settings.job_threads)
    else:
        runner = EagerJobRunner(database)
    activate_runner(runner)
    return runner


def run_worker(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """The ``fundhouse worker`` process: run jobs and drain the outbox until told to stop.

    With ``settings.redis_url`` it consumes the Dramatiq queue with ``job_threads`` threads (at
    least one); without, it runs a thread pool that polls the jobs table. SIGINT and SIGTERM
    stop it gracefully (jobs in progress finish first); ``stop`` does the same from code.
    """
    import fundhouse.models  # noqa: F401  every table, so foreign keys resolve

    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    database = Database(settings.resolved_database_url)
    load_job_modules()
    threads = max(settings.job_threads, 1)
    runner: JobRunner
    worker = None
    if settings.redis_url:
        runner = DramatiqJobRunner(database, settings.redis_url)
        worker = runner.start_worker(threads)
    else:
        runner = ThreadJobRunner(database, threads)
    previous = activate_runner(runner)
    log.info("worker started", extra={"fields": {"backend": runner.backend, "threads": threads}})
    try:
        while not stop.wait(TICK_SECONDS):
            if worker is None:
                continue  # the thread runner ticks by itself
            try:
                runner.tick()
            except Exception:
                log.exception("worker maintenance failed")
    finally:
        if worker is not None:
            worker.stop(timeout=30_000)
        runner.shutdown()
        activate_runner(previous)
        database.engine.dispose()
        log.info("worker stopped")


def get_job(db: Session, actor: Actor, job_id: uuid.UUID) -> Job:
    """One job of the actor's organization; another organization's job does not exist."""
    require(actor, "job:read")
    row = db.scalar(select(Job).where(Job.id == job_id, Job.org_id == actor.org_id))
    if row is None:
        raise NotFound("No such job.")
    return row


def list_jobs(
    db: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    status: JobStatus | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[Job], str | None]:
    """The organization's jobs, newest first, optionally of one kind and status."""
    require(actor, "job:read")
    stmt = select(Job).where(Job.org_id == actor.org_id)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    if status:
        stmt = stmt.where(Job.status == status.value)
    return paginate(
        db,
        stmt,
        sort_column=Job.created_at,
        id_column=Job.id,
        descending=True,
        limit=limit,
        cursor=cursor,
    )
