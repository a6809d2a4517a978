"""A mis-set `loyalty`: bad settings, an unreachable or unmigrated database, bad options. One line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from app.cli import build_cli
from app.config import ConfigError, Settings, check_redis_url

SETTINGS = ("LOYALTY_DATABASE_URL", "LOYALTY_EMAIL_BACKEND", "LOYALTY_SMTP_URL", "LOYALTY_DB_POOL_SIZE", "LOYALTY_ENV")


@pytest.fixture
def loyalty(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_overrides: dict[str, object]):  # type: ignore[no-untyped-def]
    """`loyalty ...` with the test database unless `env` names another one."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOYALTY_INSTANCE_PATH", str(tmp_path / "instance"))

    def invoke(*args: str, **env: str) -> Result:
        env.setdefault("LOYALTY_DATABASE_URL", str(settings_overrides["database_url"]))
        return CliRunner().invoke(build_cli(), list(args), env=env)

    return invoke


def error_line(result: Result) -> str:
    """The one line a failed command printed; fails the test on a traceback or a zero exit code."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_upgrading_to_an_unknown_revision_names_it_in_one_line(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("db", "upgrade", "nosuchrev")

    assert result.exit_code == 1
    assert "nosuchrev" in error_line(result)


def test_upgrading_without_the_migrations_folder_says_to_set_the_migrations_path(loyalty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "site-packages" / "migrations"

    result = loyalty("db", "upgrade", LOYALTY_MIGRATIONS_PATH=str(missing),
                     LOYALTY_DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")

    line = error_line(result)
    assert f"no migrations at {missing}" in line
    assert "LOYALTY_MIGRATIONS_PATH" in line
    assert "init" not in line


def test_a_database_url_of_an_unknown_kind_names_the_variable(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("shops", "list", LOYALTY_DATABASE_URL="foo://bar")

    assert "LOYALTY_DATABASE_URL" in error_line(result)


def test_a_database_server_that_is_down_is_named_without_its_password(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("shops", "list", LOYALTY_DATABASE_URL="postgresql://loyalty:s3cret@127.0.0.1:1/loyalty")

    line = error_line(result)
    assert "LOYALTY_DATABASE_URL=postgresql://loyalty:***@127.0.0.1:1/loyalty" in line
    assert "s3cret" not in result.output


def test_a_postgresql_database_that_does_not_exist_is_one_line(loyalty, database_url: str) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("needs the PostgreSQL server of LOYALTY_TEST_DATABASE_URL")
    missing = make_url(database_url).set(database="no_such_loyalty_db").render_as_string(hide_password=False)

    result = loyalty("shops", "list", LOYALTY_DATABASE_URL=missing)

    assert "no_such_loyalty_db" in error_line(result)


def test_an_unmigrated_database_says_to_run_db_upgrade(loyalty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("members", "show", "shop.example.de", "a@example.de",
                     LOYALTY_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")

    assert "loyalty db upgrade" in error_line(result)


def test_debug_shows_the_traceback_of_a_database_failure(loyalty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("--debug", "shops", "list", LOYALTY_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")

    assert result.exit_code != 0
    assert "no such table" in str(result.exception)


def test_a_pool_size_that_is_no_number_names_the_variable(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("shops", "list", LOYALTY_DB_POOL_SIZE="abc")

    assert "LOYALTY_DB_POOL_SIZE" in error_line(result)


def test_an_smtp_url_of_another_scheme_stops_the_worker_before_it_runs(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("worker", "--once", "--job", "dispatch_outbox",
                     LOYALTY_EMAIL_BACKEND="smtp", LOYALTY_SMTP_URL="ftp://x")

    assert "LOYALTY_SMTP_URL" in error_line(result)
    assert "dispatch_outbox" not in result.output


@pytest.mark.parametrize("url", ["smtp://", "smtps://:465", "smtp://mail.example.de:port", "mail.example.de"])
def test_smtp_urls_without_a_host_scheme_or_valid_port_are_refused_at_load(url: str) -> None:
    with pytest.raises(ConfigError, match="LOYALTY_SMTP_URL"):
        Settings.from_env(environ={"LOYALTY_EMAIL_BACKEND": "smtp", "LOYALTY_SMTP_URL": url})


def test_smtp_and_smtps_urls_with_a_host_are_accepted() -> None:
    for url in ("smtp://user:pw@mail.example.de:587?starttls=1", "smtps://127.0.0.1"):
        assert Settings.from_env(environ={"LOYALTY_EMAIL_BACKEND": "smtp", "LOYALTY_SMTP_URL": url}).smtp_url == url


def test_a_redis_url_without_the_redis_package_stops_the_process_at_load_naming_the_extra() -> None:
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[redis\]'"):
        check_redis_url("redis://127.0.0.1:6379/0", installed=lambda _name: None)


def test_a_redis_url_of_another_kind_is_refused_at_load() -> None:
    with pytest.raises(ConfigError, match="LOYALTY_REDIS_URL"):
        Settings.from_env(environ={"LOYALTY_REDIS_URL": "127.0.0.1:6379"})


def test_a_redis_url_is_accepted_where_the_package_is_installed() -> None:
    assert Settings.from_env(environ={"LOYALTY_REDIS_URL": "redis://127.0.0.1:6379/0"}).redis_url


def test_worker_once_exits_non_zero_when_a_job_failed(loyalty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("worker", "--once", "--job", "expire_points",
                     LOYALTY_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")

    assert "expire_points: failed" in result.output
    assert result.exit_code == 1


def test_worker_once_exits_zero_when_every_job_succeeded(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("worker", "--once", "--job", "expire_points")

    assert result.exit_code == 0, result.output
    assert "expire_points: ok" in result.output


def test_an_unknown_job_is_a_usage_error_naming_the_valid_jobs(loyalty) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("worker", "--once", "--job", "nosuchjob")

    assert result.exit_code == 2
    assert "nosuchjob" in result.output
    assert "dispatch_outbox" in result.output


@pytest.mark.parametrize("option", ["--workers", "--threads"])
def test_serve_refuses_fewer_than_one_worker_or_thread(loyalty, option: str) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("serve", option, "0")

    assert result.exit_code == 2
    assert option in result.output


@pytest.mark.parametrize("url", ["mysql://x", "mysql+pymysql://u:p@db/loyalty", "oracle://x"])
def test_a_database_url_of_another_engine_says_only_sqlite_and_postgresql_are_supported(loyalty, url: str) -> None:  # type: ignore[no-untyped-def]
    result = loyalty("shops", "list", LOYALTY_DATABASE_URL=url)

    line = error_line(result)
    assert "only SQLite and PostgreSQL are supported" in line
    assert "LOYALTY_DATABASE_URL" in line
    assert ":p@" not in line  # no password shown


def test_upgrading_to_an_older_revision_says_the_database_is_newer_and_changes_nothing(  # type: ignore[no-untyped-def]
    loyalty, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgraded = loyalty("db", "upgrade", LOYALTY_DATABASE_URL=url)
    head = upgraded.output.split()[2]

    older = loyalty("db", "upgrade", "0005", LOYALTY_DATABASE_URL=url)
    again = loyalty("db", "upgrade", LOYALTY_DATABASE_URL=url)

    assert upgraded.output.strip() == f"database at {head} (the newest)"
    assert error_line(older) == (
        f"Error: the database is at {head}, already newer than 0005: `db upgrade` never goes back")
    assert again.output.strip() == f"database at {head} (the newest), unchanged"


def test_upgrading_step_by_step_names_the_revision_reached(loyalty, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    first = loyalty("db", "upgrade", "0005", LOYALTY_DATABASE_URL=url)
    second = loyalty("db", "upgrade", "+1", LOYALTY_DATABASE_URL=url)

    assert (first.output.strip(), second.output.strip()) == ("database at 0005", "database at 0006")
