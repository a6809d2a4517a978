"""`loyalty worker [--once]`: the scheduled jobs in their own process."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import click

from app import log_format
from app.cli import Context, pass_context
from app.jobs.registry import job_ids


def register(cli: click.Group) -> None:
    @cli.command("worker")
    @click.option("--once", is_flag=True, help="Run every due job once and exit (cron, scripts).")
    @click.option("--job", "jobs", multiple=True, type=click.Choice(job_ids()),
                  help="With --once: only this job (repeatable).")
    @click.option("--quiet", "-q", is_flag=True,
                  help="With --once: print only the lines of failed jobs (cron mails whatever a command prints).")
    @pass_context
    def worker(ctx: Context, once: bool, jobs: tuple[str, ...], quiet: bool) -> None:
        """Run the scheduler: outbox, maturing and expiring points, tiers, retries, reconciliation.

        With --once, the exit code is 1 when a job failed (its traceback is in the log), so cron notices."""
        from app.jobs.scheduler import build_scheduler, run_once

        if (jobs or quiet) and not once:
            raise click.UsageError("--job and --quiet only go with --once (the scheduler always runs every job)")
        c = ctx.container
        if once:
            outcomes = run_once(c, only=jobs or None)
            for job_id, outcome in outcomes.items():
                if not quiet or outcome == "failed":
                    click.echo(f"{job_id}: {outcome}")
            if "failed" in outcomes.values():
                sys.exit(1)
            return
        log_format.as_service()
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
