"""Modals and App Home in the stand-in: opened, pushed, updated, published, closed."""

import copy
import threading

from bot.standin.records import APP_ID, BOT_ID, MAX_VIEW_STACK, TS_EPOCH, Json, SlackError


class ViewsMixin:
    """The view half of the workspace; the attributes are set up by `Workspace`."""

    team_id: str
    _lock: threading.RLock
    _modals: list[Json]
    _homes: dict[str, Json]
    _view_serial: int

    def _next_view_ids(self) -> tuple[str, str]:
        self._view_serial += 1
        serial = self._view_serial
        return f"V{serial:010d}", f"{TS_EPOCH + serial}.{serial * 7919:08x}"

    def _view(self, sent: Json, root: str | None, previous: str | None) -> Json:
        view_id, view_hash = self._next_view_ids()
        defaults: Json = {
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
        }
        forced: Json = {
            "id": view_id,
            "hash": view_hash,
            "team_id": self.team_id,
            "state": {"values": {}},
            "root_view_id": root or view_id,
            "previous_view_id": previous,
            "app_id": APP_ID,
            "app_installed_team_id": self.team_id,
            "bot_id": BOT_ID,
        }
        return {**defaults, **copy.deepcopy(sent), **forced}

    def open_view(self, sent: Json) -> Json:
        with self._lock:
            view = self._view(sent, None, None)
            self._modals.append(view)
            return copy.deepcopy(view)

    def push_view(self, sent: Json) -> Json:
        with self._lock:
            if not self._modals:
                raise SlackError("not_found")
            top = self._modals[-1]
            depth = sum(1 for v in self._modals if v["root_view_id"] == top["root_view_id"])
            if depth >= MAX_VIEW_STACK:
                raise SlackError("push_limit_reached")
            view = self._view(sent, top["root_view_id"], top["id"])
            self._modals.append(view)
            return copy.deepcopy(view)

    def _locate(self, view_id: str | None, external_id: str | None) -> Json:
        for view in [*self._modals, *self._homes.values()]:
            if view_id is not None and view["id"] == view_id:
                return view
            if external_id is not None and view.get("external_id") == external_id:
                return view
        raise SlackError("not_found")

    def _replace(self, old: Json, sent: Json) -> Json:
        new = self._view(sent, old["root_view_id"], old["previous_view_id"])
        new["id"] = old["id"]
        if not sent.get("external_id"):
            new["external_id"] = old.get("external_id", "")
        old.clear()
        old.update(new)
        return copy.deepcopy(old)

    def update_view(
        self, sent: Json, view_id: str | None, external_id: str | None, view_hash: str | None
    ) -> Json:
        with self._lock:
            old = self._locate(view_id, external_id)
            if view_hash and view_hash != old["hash"]:
                raise SlackError("hash_conflict")
            return self._replace(old, sent)

    def publish_home(self, user_id: str, sent: Json, view_hash: str | None) -> Json:
        with self._lock:
            old = self._homes.get(user_id)
            if old is None:
                view = self._view(sent, None, None)
                self._homes[user_id] = view
                return copy.deepcopy(view)
            if view_hash and view_hash != old["hash"]:
                raise SlackError("hash_conflict")
            return self._replace(old, sent)

    def close_view(self, view_id: str) -> None:
        """Close a modal and every view pushed above it (as the user pressing Close)."""
        with self._lock:
            index = next((i for i, v in enumerate(self._modals) if v["id"] == view_id), None)
            if index is None:
                raise KeyError(view_id)
            root = self._modals[index]["root_view_id"]
            keep = self._modals[:index] + [
                v for v in self._modals[index + 1 :] if v["root_view_id"] != root
            ]
            self._modals = keep

    def views(self) -> list[Json]:
        with self._lock:
            return copy.deepcopy(self._modals)

    def home(self, user_id: str) -> Json | None:
        with self._lock:
            return copy.deepcopy(self._homes.get(user_id))
