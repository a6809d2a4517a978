"""What `loyalty serve` sets in gunicorn's own config object."""

from __future__ import annotations

from gunicorn.config import Config

from app.cli.server import configure_gunicorn


def test_serve_opens_no_gunicorn_control_socket_that_a_second_server_of_the_same_user_would_take_over():
    cfg = Config()

    configure_gunicorn(cfg, "127.0.0.1:8000", workers=2, threads=8)

    if "control_socket_disable" in cfg.settings:
        assert cfg.control_socket_disable is True


def test_serve_runs_threaded_workers_on_the_bind_and_counts_given():
    cfg = Config()

    configure_gunicorn(cfg, "127.0.0.1:8000", workers=4, threads=8)

    assert (cfg.bind, cfg.workers, cfg.threads, cfg.worker_class_str) == (["127.0.0.1:8000"], 4, 8, "gthread")
    assert cfg.accesslog is None


def test_serve_with_one_thread_runs_sync_workers():
    cfg = Config()

    configure_gunicorn(cfg, "127.0.0.1:8000", workers=1, threads=1)

    assert cfg.worker_class_str == "sync"
