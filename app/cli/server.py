"""`loyalty run` (everything in one process, the embedded default) and `loyalty serve` (gunicorn web tier)."""

from __future__ import annotations

import gc
import os
import socket
from typing import Any

import click

from app import log_format
from app.cli import Context, pass_context
from app.migrate import upgrade


def register(cli: click.Group) -> None:
    @cli.command("run")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
    @click.option("--no-worker", is_flag=True, help="Do not run the scheduler in this process.")
    @pass_context
    def run(ctx: Context, host: str, port: int, no_worker: bool) -> None:
        """Migrate, then serve the app and run the scheduled jobs in this one process."""
        from app import create_app

        log_format.as_service()
        upgrade(ctx.container.engine)
        own_url = not os.environ.get("LOYALTY_PUBLIC_URL")
        app = create_app({"public_url": f"http://{_browsable(host)}:{port}"} if own_url else None)
        # The embedded default: one process, threaded; production runs `loyalty serve` + `loyalty worker`. The
        # port is taken before anything is announced or started, so a busy one is the only thing said.
        server = _threaded_server(app, host, port)
        _freeze_startup_objects()
        scheduler = None if no_worker else _background_scheduler(app.extensions["container"])
        settings = app.extensions["container"].settings
        click.echo(
            f"loyalty backend on http://{host}:{port}  (database {settings.database_url}, "
            f"emails: {settings.email_backend})"
        )
        if own_url and port != 8000:
            # The links this server writes (emails, install redirects) name its port; other commands run in their
            # own process and only know it from the environment.
            click.echo(f"for `loyalty admin-link` and other commands: export LOYALTY_PUBLIC_URL={settings.public_url}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopping")
        finally:
            if scheduler is not None:
                app.extensions["container"].stopping.set()
                scheduler.shutdown(wait=True)

    @cli.command("serve")
    @click.option("--bind", default="127.0.0.1:8000", show_default=True)
    @click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Processes.")
    @click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1), help="Threads each.")
    def serve(bind: str, workers: int, threads: int) -> None:
        """Serve the web tier under gunicorn (stateless; run `loyalty worker` separately)."""
        from gunicorn.app.base import BaseApplication

        from app import create_app
        from app.config import Settings

        log_format.as_service()
        hint = proxy_hops_hint(bind, Settings.from_env().proxy_hops)
        if hint:
            click.echo(hint, err=True)

        class _Gunicorn(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                configure_gunicorn(self.cfg, bind, workers, threads)

            def load(self) -> Any:
                app = create_app()
                _freeze_startup_objects()
                return app

        _Gunicorn().run()


def configure_gunicorn(cfg: Any, bind: str, workers: int, threads: int) -> None:
    """What `loyalty serve` sets in gunicorn's config; everything else is gunicorn's default."""
    settings: dict[str, object] = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "accesslog": None,  # the proxy in front logs requests (docs/deployment.md §3)
        # gunicorn 25.1+ opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl): a second
        # `loyalty serve` of the same user took it over, the first one stopping deleted it, and a system user
        # without a home warned at every start. Processes are managed by the service manager's signals instead.
        "control_socket_disable": True,
    }
    for name, value in settings.items():
        if name in cfg.settings:  # older gunicorns have no control socket to switch off
            cfg.set(name, value)


def _freeze_startup_objects() -> None:
    # The app's ~135,000 startup objects (mappers, routes, the OpenAPI document) live as long as the process;
    # left to the cyclic collector, every full collection walked them all: a 50 ms stop of every thread of
    # the process, which set the webhook's p99. Frozen, collections walk only what requests made.
    gc.collect()
    gc.freeze()


def _background_scheduler(container: Any) -> Any:
    try:
        from app.jobs.scheduler import build_scheduler
    except ModuleNotFoundError:
        return None
    scheduler = build_scheduler(container, blocking=False)
    scheduler.start()
    return scheduler


def proxy_hops_hint(bind: str, proxy_hops: int) -> str | None:
    """A warning when the bind says a reverse proxy is in front but LOYALTY_PROXY_HOPS says none is: every request
    would then be counted as the proxy's, and every guest of a shop as the platform's egress address."""
    host = bind.rpartition(":")[0].strip("[]") if bind.count(":") else bind
    behind_proxy = bind.startswith("unix:") or host in {"127.0.0.1", "localhost", "::1"}
    if proxy_hops or not behind_proxy:
        return None
    return (
        f"note: bound to {bind} with LOYALTY_PROXY_HOPS=0: behind a reverse proxy (docs/deployment.md §3) set "
        "LOYALTY_PROXY_HOPS=1 (one nginx), else storefront guests share their rate limits"
    )


def _threaded_server(app: Any, host: str, port: int) -> Any:
    from werkzeug.serving import make_server

    try:
        listening = listening_socket(host, port)
    except OSError as exc:
        app.extensions["container"].dispose()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (is another server running there? "
            "choose another --port)") from exc
    with listening:  # werkzeug serves on a duplicate of it
        return make_server(host, port, app, threaded=True, fd=listening.fileno())


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port and listening; OSError (EADDRINUSE: the port is taken) before anything runs.

    Werkzeug binds its own socket by printing a failure and exiting; binding first keeps the failure ours."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug's own: a restart reuses the port
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _browsable(host: str) -> str:
    """The address a browser on this machine reaches the server at (a wildcard bind is not one)."""
    if host in {"", "0.0.0.0", "::"}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
