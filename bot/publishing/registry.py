"""Build the connectors the settings give credentials for; every other network is manual."""

from __future__ import annotations

from bot.domain.model import Network
from bot.publishing.base import Connector
from bot.settings import Settings


def build_connectors(settings: Settings) -> dict[Network, Connector]:
    """Return a connector per network whose brand account is configured."""
    connectors: dict[Network, Connector] = {}
    token = settings.chorus_mastodon_access_token
    # Imported only when configured: atproto alone weighs some 50 MiB of memory.
    if settings.chorus_mastodon_base_url and token:
        from bot.publishing.mastodon import MastodonConnector

        connectors[Network.MASTODON] = MastodonConnector(
            settings.chorus_mastodon_base_url, token.get_secret_value()
        )
    password = settings.chorus_bluesky_app_password
    if settings.chorus_bluesky_handle and password:
        from bot.publishing.bluesky import BlueskyConnector

        connectors[Network.BLUESKY] = BlueskyConnector(
            settings.chorus_bluesky_base_url,
            settings.chorus_bluesky_handle,
            password.get_secret_value(),
        )
    return connectors
