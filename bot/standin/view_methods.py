"""The stand-in's views.* methods: modals and App Homes."""

from bot.standin.args import required_arg, text_arg
from bot.standin.records import Json, SlackError
from bot.standin.state import Workspace


def _view_arg(args: Json) -> Json:
    view = args.get("view")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments")
    return view


def _need_trigger(args: Json) -> None:
    if not (text_arg(args, "trigger_id") or text_arg(args, "interactivity_pointer")):
        raise SlackError("invalid_arguments")


def views_open(ws: Workspace, args: Json) -> Json:
    _need_trigger(args)
    return {"view": ws.open_view(_view_arg(args))}


def views_push(ws: Workspace, args: Json) -> Json:
    _need_trigger(args)
    return {"view": ws.push_view(_view_arg(args))}


def views_update(ws: Workspace, args: Json) -> Json:
    view = _view_arg(args)
    view_id, external_id = text_arg(args, "view_id"), text_arg(args, "external_id")
    if view_id is None and external_id is None:
        raise SlackError("invalid_arguments")
    return {"view": ws.update_view(view, view_id, external_id, text_arg(args, "hash"))}


def views_publish(ws: Workspace, args: Json) -> Json:
    user_id = required_arg(args, "user_id", "invalid_arguments")
    view = _view_arg(args)
    return {"view": ws.publish_home(user_id, view, text_arg(args, "hash"))}


VIEW_METHODS = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
