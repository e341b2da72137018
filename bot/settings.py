"""Settings from the environment or a `.env` file, checked once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

HINTS = {
    "slack_bot_token": "the Bot User OAuth Token (xoxb-…) from your Slack app's "
    "OAuth & Permissions page",
    "slack_app_token": "an app-level token (xapp-…) with connections:write, from your Slack "
    "app's Basic Information page; leave it unset for HTTP mode",
    "slack_signing_secret": "the Signing Secret from your Slack app's Basic Information page",
    "slack_api_url": "an http(s) URL ending in /api/, such as https://slack.com/api/",
    "chorus_mode": "either socket or http",
    "chorus_port": "a port number between 1 and 65535",
    "chorus_webhook_secret": "a Standard Webhooks secret that starts with whsec_",
    "chorus_public_url": "the address people reach this server at, such as https://chorus.example.com",
    "chorus_mastodon_base_url": "the address of the brand account's Mastodon server, such as "
    "https://mastodon.social",
    "chorus_mastodon_access_token": "an access token of the brand's Mastodon account (Preferences, "
    "Development, New application, with the read and write:statuses scopes)",
    "chorus_bluesky_handle": "the brand account's handle, such as acme.bsky.social",
    "chorus_bluesky_app_password": "an app password of the brand's Bluesky account (Settings, "
    "Privacy and security, App passwords)",
}


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line naming it and the fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    chorus_mode: Literal["socket", "http"] | None = None
    chorus_host: str = "0.0.0.0"
    chorus_port: int = Field(default=3000, ge=1, le=65535)
    chorus_database_url: str = "sqlite:///chorus.db"
    chorus_config: Path = Path("chorus.toml")
    chorus_webhook_secret: SecretStr | None = None
    chorus_public_url: str | None = None
    chorus_mastodon_base_url: str | None = None
    chorus_mastodon_access_token: SecretStr | None = None
    chorus_bluesky_base_url: str = "https://bsky.social"
    chorus_bluesky_handle: str | None = None
    chorus_bluesky_app_password: SecretStr | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _prefixed(value, "xoxb-")

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _prefixed(value, "xapp-")

    @field_validator("chorus_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _prefixed(value, "whsec_")

    @field_validator(
        "slack_api_url", "chorus_public_url", "chorus_mastodon_base_url", "chorus_bluesky_base_url"
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def mode(self) -> Literal["socket", "http"]:
        """Socket Mode when an app token is set, unless CHORUS_MODE says otherwise."""
        if self.chorus_mode:
            return self.chorus_mode
        return "socket" if self.slack_app_token else "http"

    @property
    def api_url(self) -> str:
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"


def _prefixed(value: SecretStr | None, prefix: str) -> SecretStr | None:
    if value is not None and not value.get_secret_value().startswith(prefix):
        raise ValueError(f"must start with {prefix}")
    return value


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise SettingsError naming the first bad one and its fix."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        raise SettingsError(_describe(name, first["msg"])) from None


def _describe(name: str, problem: str) -> str:
    hint = HINTS.get(name)
    message = f"{name.upper()} {problem.removeprefix('Value error, ')}"
    return f"{message}: set it to {hint}." if hint else f"{message}."


def require_slack(settings: Settings) -> None:
    """Raise SettingsError unless the settings can connect Chorus to a Slack workspace."""
    if settings.slack_bot_token is None:
        raise SettingsError(_describe("slack_bot_token", "is not set"))
    if settings.mode == "socket" and settings.slack_app_token is None:
        raise SettingsError(_describe("slack_app_token", "is not set but CHORUS_MODE=socket"))
    if settings.mode == "http" and settings.slack_signing_secret is None:
        raise SettingsError(_describe("slack_signing_secret", "is not set (needed in HTTP mode)"))
    require_connectors(settings)


def require_connectors(settings: Settings) -> None:
    """Raise SettingsError when a connector is half set up: it would fail at the first Publish."""
    pairs = [
        (
            "chorus_mastodon_base_url",
            settings.chorus_mastodon_base_url,
            "chorus_mastodon_access_token",
            settings.chorus_mastodon_access_token,
        ),
        (
            "chorus_bluesky_handle",
            settings.chorus_bluesky_handle,
            "chorus_bluesky_app_password",
            settings.chorus_bluesky_app_password,
        ),
    ]
    for first, first_value, second, second_value in pairs:
        if (first_value is None) != (second_value is None):
            given, missing = (first, second) if second_value is None else (second, first)
            raise SettingsError(
                f"{missing.upper()} is not set but {given.upper()} is: set "
                f"{missing.upper()} to {HINTS[missing]}, or unset {given.upper()} to post to "
                "that network by hand."
            )
