"""Settings: the defaults of the contract, and one clear line for each bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings, require_slack

SETTING_NAMES = [name.upper() for name in Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting from the machine running the tests, and no .env in the working folder."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def refusal(**environment: str) -> str:
    """Load settings from this environment and return the one-line refusal."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        with pytest.raises(SettingsError) as refused:
            load_settings(_env_file=None)
    message = str(refused.value)
    assert "\n" not in message, "a refusal is one line"
    assert "Traceback" not in message
    return message


def test_defaults_follow_the_contract() -> None:
    settings = load_settings(_env_file=None)

    assert settings.mode == "http"
    assert settings.chorus_host == "0.0.0.0"
    assert settings.chorus_port == 3000
    assert settings.chorus_database_url == "sqlite:///chorus.db"
    assert settings.chorus_config == Path("chorus.toml")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.chorus_bluesky_base_url == "https://bsky.social"
    assert settings.chorus_webhook_secret is None
    assert settings.slack_bot_token is None and settings.slack_app_token is None


def test_an_app_token_turns_on_socket_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0-secret")

    assert load_settings(_env_file=None).mode == "socket"


def test_chorus_mode_overrides_the_app_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0-secret")
    monkeypatch.setenv("CHORUS_MODE", "http")

    assert load_settings(_env_file=None).mode == "http"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123-secret")
    monkeypatch.setenv("CHORUS_PORT", "8080")
    monkeypatch.setenv("CHORUS_DATABASE_URL", "postgresql+psycopg://chorus@db/chorus")
    monkeypatch.setenv("CHORUS_CONFIG", "/etc/chorus/chorus.toml")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")

    settings = load_settings(_env_file=None)

    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-123-secret"
    assert "xoxb-123-secret" not in repr(settings), "secrets stay out of logs"
    assert settings.chorus_port == 8080
    assert settings.chorus_database_url == "postgresql+psycopg://chorus@db/chorus"
    assert settings.chorus_config == Path("/etc/chorus/chorus.toml")
    assert settings.api_url == "http://127.0.0.1:9999/api/"


def test_a_dotenv_file_in_the_working_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CHORUS_PORT=4000\n")

    assert load_settings().chorus_port == 4000


@pytest.mark.parametrize(
    ("name", "value", "fix"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-not-an-app-token", "xapp-"),
        ("CHORUS_PORT", "abc", "a port number between 1 and 65535"),
        ("CHORUS_PORT", "70000", "a port number between 1 and 65535"),
        ("CHORUS_MODE", "pigeon", "socket or http"),
        ("CHORUS_WEBHOOK_SECRET", "not-a-secret", "whsec_"),
        ("SLACK_API_URL", "ftp://x", "http"),
    ],
)
def test_a_bad_setting_is_refused_in_one_line_naming_it_and_the_fix(
    name: str, value: str, fix: str
) -> None:
    message = refusal(**{name: value})

    assert message.startswith(name)
    assert "set it to" in message and fix in message.split("set it to", 1)[1]


def test_a_refused_token_is_not_repeated_in_the_message() -> None:
    message = refusal(SLACK_BOT_TOKEN="xoxp-very-secret-value")

    assert "very-secret-value" not in message


def test_require_slack_asks_for_the_bot_token() -> None:
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN is not set.*xoxb-") as refused:
        require_slack(load_settings(_env_file=None))
    assert "\n" not in str(refused.value)


def test_require_slack_asks_for_the_signing_secret_in_http_mode() -> None:
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-1")

    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET .*HTTP mode.*Signing Secret"):
        require_slack(settings)


def test_require_slack_asks_for_the_app_token_in_socket_mode() -> None:
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-1", chorus_mode="socket")

    with pytest.raises(SettingsError, match=r"^SLACK_APP_TOKEN .*xapp-"):
        require_slack(settings)


def test_require_slack_accepts_a_complete_setup() -> None:
    http = load_settings(_env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s3cret")
    socket = load_settings(_env_file=None, slack_bot_token="xoxb-1", slack_app_token="xapp-1")

    require_slack(http)
    require_slack(socket)
    assert (http.mode, socket.mode) == ("http", "socket")
