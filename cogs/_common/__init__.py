"""UI helpers shared by the cogs: base views, autocomplete, and rendering safeguards."""

from cogs._common.access import client_of, core_of, payload_of, service_of
from cogs._common.autocomplete import timezone_autocomplete
from cogs._common.confirm import ConfirmView
from cogs._common.permissions import (
    locked_to_me,
    may_send_in,
    missing_permissions,
    passing_failure,
    thread_refused,
)
from cogs._common.render import (
    BRAND_COLOUR,
    counted,
    discord_timestamp,
    no_pings,
    person,
    server_name,
    truncate,
)
from cogs._common.scope import in_servers, in_servers_and_bot_dms
from cogs._common.text import item_text, member_text, one_line, quoted_member_text, without_controls
from cogs._common.views import BaseModal, BaseView, RoutedItem

__all__ = [
    "BRAND_COLOUR",
    "BaseModal",
    "BaseView",
    "ConfirmView",
    "client_of",
    "counted",
    "core_of",
    "payload_of",
    "service_of",
    "in_servers",
    "in_servers_and_bot_dms",
    "item_text",
    "member_text",
    "person",
    "one_line",
    "quoted_member_text",
    "without_controls",
    "discord_timestamp",
    "locked_to_me",
    "may_send_in",
    "missing_permissions",
    "no_pings",
    "passing_failure",
    "RoutedItem",
    "server_name",
    "thread_refused",
    "timezone_autocomplete",
    "truncate",
]
