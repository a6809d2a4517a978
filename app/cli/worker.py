"""`loyalty worker [--once]`: the scheduled jobs in their own process."""

from __future__ import annotations

import signal
from types import FrameType

import click

from app.cli import Context, pass_context


def register(cli: click.Group) -> None:
    @cli.command("worker")
    @click.option("--once", is_flag=True, help="Run every due job once and exit (cron, scripts).")
    @click.option("--job", "jobs", multiple=True, help="With --once: only this job (repeatable).")
    @pass_context
    def worker(ctx: Context, once: bool, jobs: tuple[str, ...]) -> None:
        """Run the scheduler: outbox, maturing and expiring points, tiers, retries, reconciliation."""
        from app.jobs.scheduler import build_scheduler, run_once

        c = ctx.container
        if once:
            for job_id, outcome in run_once(c, only=jobs or None).items():
                click.echo(f"{job_id}: {outcome}")
            return
        scheduler = build_scheduler(c, blocking=True)

        def _stop(signum: int, _frame: FrameType | None) -> None:
            # Long jobs (outbox dispatch) see `stopping` between batches: they finish the batch in hand or give
            # its claim back. Then wait for the running jobs (each commits or rolls back its own work) and exit.
            click.echo(f"signal {signum}: finishing running jobs, then stopping")
            c.stopping.set()
            scheduler.shutdown(wait=True)

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        click.echo("worker started; SIGTERM stops it cleanly")
        scheduler.start()
