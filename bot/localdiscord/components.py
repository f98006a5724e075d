"""Components in messages and modals, checked against components/reference.mdx section by section."""

from __future__ import annotations

from typing import Any

from bot.localdiscord.formbody import Errors, Path, array, form_error, number, one_of, put, text

ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECTS = (3, 5, 6, 7, 8)  # string, user, role, mentionable, channel
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER, LABEL, FILE_UPLOAD = (
    9, 10, 11, 12, 13, 14, 17, 18, 19)
RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX = 21, 22, 23
LINK, PREMIUM = 5, 6
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
# resources/channel.mdx, "Channel Types": the types a channel select's channel_types may list.
CHANNEL_TYPES = (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16)
# components/reference.mdx, "Select Default Value Structure": what each auto-populated select may default to.
DEFAULT_KINDS = {USER_SELECT: ("user",), ROLE_SELECT: ("role",), MENTIONABLE_SELECT: ("user", "role"),
                 CHANNEL_SELECT: ("channel",)}
# components/reference.mdx, "Action Row Child Components": buttons or one select.
ROW_CHILDREN = (BUTTON, *SELECTS)
# components/reference.mdx, "Container Child Components" and the top-level list of "Component Types".
V2_TOP_LEVEL = (ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER)
CONTAINER_CHILDREN = (ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR)
# components/reference.mdx, "Label Child Components".
LABEL_CHILDREN = (TEXT_INPUT, *SELECTS, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX)


def _type_choices(errors: Errors, path: Path, kind: Any, allowed: tuple[int, ...]) -> bool:
    if kind not in allowed:
        put(errors, [*path, "type"], "UNION_TYPE_CHOICES",
            f"Value of field \"type\" must be one of {tuple(sorted(set(allowed)))}.")
        return False
    return True


class _Checker:
    """Walks one message's or one modal's components, remembering custom ids across all of them."""

    def __init__(self, errors: Errors, *, in_modal: bool) -> None:
        self.errors = errors
        self.in_modal = in_modal
        self.custom_ids: set[str] = set()
        self.ids: set[int] = set()
        self.count = 0

    def component_id(self, path: Path, item: dict[str, Any]) -> None:
        """components/reference.mdx, "Anatomy of a Component": the optional ``id`` is a 32-bit integer, unique
        within the message (or modal); 0 counts as empty and is replaced by the API, as a missing one is."""
        value = item.get("id")
        if value is None or value == 0:
            return
        number(self.errors, [*path, "id"], value, low=-(2 ** 31), high=2 ** 31 - 1)
        if value in self.ids:
            put(self.errors, [*path, "id"], "COMPONENT_ID_DUPLICATED", "Component id must be unique")
        self.ids.add(value)

    def custom_id(self, path: Path, value: Any) -> None:
        # components/reference.mdx, "Custom ID": 1-100 characters, unique among the components of a message.
        text(self.errors, [*path, "custom_id"], value, low=1, high=100, required=True)
        if isinstance(value, str):
            if value in self.custom_ids:
                put(self.errors, [*path, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated")
            self.custom_ids.add(value)

    def button(self, path: Path, button: dict[str, Any]) -> None:
        # components/reference.mdx, "Button Structure" and the rules under "Button Styles".
        self.count += 1
        self.component_id(path, button)
        style = button.get("style")
        if style is None:  # "Button Structure": style has no "?", it is required
            put(self.errors, [*path, "style"], "BASE_TYPE_REQUIRED", "This field is required")
        one_of(self.errors, [*path, "style"], style, (1, 2, 3, 4, 5, 6))
        text(self.errors, [*path, "label"], button.get("label"), high=80)
        if style == LINK:
            text(self.errors, [*path, "url"], button.get("url"), low=1, high=512, required=True)
            if button.get("custom_id") is not None:
                put(self.errors, [*path, "custom_id"], "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A link button cannot have a custom id")
        elif style == PREMIUM:
            if not button.get("sku_id"):
                put(self.errors, [*path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required")
        else:
            self.custom_id(path, button.get("custom_id"))
            if button.get("url") is not None:
                put(self.errors, [*path, "url"], "BUTTON_COMPONENT_URL_NOT_ALLOWED",
                    "Only link buttons can have a url")

    def select(self, path: Path, select: dict[str, Any]) -> None:
        # components/reference.mdx, "String Select Structure" (and the same fields of the other selects).
        self.count += 1
        self.component_id(path, select)
        self.custom_id(path, select.get("custom_id"))
        text(self.errors, [*path, "placeholder"], select.get("placeholder"), high=150)
        number(self.errors, [*path, "min_values"], select.get("min_values"), low=0, high=25)
        number(self.errors, [*path, "max_values"], select.get("max_values"), low=1, high=25)
        low, high = select.get("min_values", 1), select.get("max_values", 1)
        if isinstance(low, int) and isinstance(high, int) and low > high:
            put(self.errors, [*path, "min_values"], "SELECT_COMPONENT_MIN_VALUES_EXCEEDS_MAX",
                "min_values must be less than or equal to max_values")
        if self.in_modal and select.get("required", True) is not False and isinstance(low, int) and low < 1:
            # "String Select Structure", note *: a select a modal requires cannot be left with nothing chosen
            put(self.errors, [*path, "min_values"], "NUMBER_TYPE_MIN",
                "min_values must be at least 1 when the select is required")
        if self.in_modal and select.get("disabled"):  # "String Select Structure", note ***
            put(self.errors, [*path, "disabled"], "MODAL_COMPONENT_DISABLED_NOT_ALLOWED",
                "Modals can not have disabled components")
        if select.get("type") in DEFAULT_KINDS:
            self.auto_populated(path, select, low, high)
        if select.get("type") != STRING_SELECT:
            return
        if select.get("options") is None:  # "String Select Structure": options has no "?", it is required
            put(self.errors, [*path, "options"], "BASE_TYPE_REQUIRED", "This field is required")
        options = array(self.errors, [*path, "options"], select.get("options"), low=1, high=25)
        values: set[str] = set()
        for k, option in enumerate(options):  # "Select Option Structure"
            here = [*path, "options", k]
            text(self.errors, [*here, "label"], option.get("label"), low=1, high=100, required=True)
            text(self.errors, [*here, "value"], option.get("value"), low=1, high=100, required=True)
            text(self.errors, [*here, "description"], option.get("description"), high=100)
            if option.get("value") in values:
                put(self.errors, [*here, "value"], "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Select option values must be unique")
            values.add(option.get("value"))
        if isinstance(high, int) and options and high > len(options):
            put(self.errors, [*path, "max_values"], "SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS",
                f"max_values must be less than or equal to the number of options ({len(options)})")
        chosen = sum(1 for option in options if isinstance(option, dict) and option.get("default") is True)
        if isinstance(high, int) and chosen > high:
            # "Select Option Structure": default shows the option as selected, and "String Select Structure":
            # max_values is the most that can be chosen, so no more options than that start selected (the
            # auto-populated selects state it for their default_values, "Select Default Value Structure").
            put(self.errors, [*path, "options"], "SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES",
                f"Must have at most {high} default options (max_values)")

    def auto_populated(self, path: Path, select: dict[str, Any], low: Any, high: Any) -> None:
        """components/reference.mdx, "Channel Select Structure" (and the user, role and mentionable selects):
        channel types Discord knows, and as many ``default_values`` of the select's kind as it may hold."""
        kinds = DEFAULT_KINDS[select["type"]]
        if select["type"] == CHANNEL_SELECT:
            for k, kind in enumerate(array(self.errors, [*path, "channel_types"], select.get("channel_types"),
                                           high=len(CHANNEL_TYPES))):
                one_of(self.errors, [*path, "channel_types", k], kind, CHANNEL_TYPES)
        defaults = array(self.errors, [*path, "default_values"], select.get("default_values"), high=25)
        for k, value in enumerate(defaults):
            if not isinstance(value, dict) or value.get("type") not in kinds:
                put(self.errors, [*path, "default_values", k, "type"], "BASE_TYPE_CHOICES",
                    f"Value must be one of {kinds}.")
        # "number of default values must be in the range defined by min_values and max_values"
        if defaults and isinstance(low, int) and isinstance(high, int) and not low <= len(defaults) <= high:
            put(self.errors, [*path, "default_values"], "BASE_TYPE_BAD_LENGTH",
                f"Must be between {low} and {high} in length.")

    def text_input(self, path: Path, item: dict[str, Any], *, in_label: bool) -> None:
        # components/reference.mdx, "Text Input Structure".
        self.count += 1
        self.component_id(path, item)
        self.custom_id(path, item.get("custom_id"))
        one_of(self.errors, [*path, "style"], item.get("style"), (1, 2))
        if item.get("style") is None:
            put(self.errors, [*path, "style"], "BASE_TYPE_REQUIRED", "This field is required")
        number(self.errors, [*path, "min_length"], item.get("min_length"), low=0, high=4000)
        number(self.errors, [*path, "max_length"], item.get("max_length"), low=1, high=4000)
        low, high = item.get("min_length"), item.get("max_length")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            # "Text Input Structure": min_length is the minimum input length and max_length the maximum, so the
            # one cannot exceed the other (a required field could never be filled), as for a select's values.
            put(self.errors, [*path, "min_length"], "TEXT_INPUT_MIN_LENGTH_EXCEEDS_MAX",
                "min_length must be less than or equal to max_length")
        text(self.errors, [*path, "value"], item.get("value"), high=4000)
        text(self.errors, [*path, "placeholder"], item.get("placeholder"), high=100)
        if not in_label:  # the deprecated action-row form carries its own label, max 45
            text(self.errors, [*path, "label"], item.get("label"), low=1, high=45, required=True)

    def row(self, path: Path, row: dict[str, Any]) -> None:
        """components/reference.mdx, "Action Row": up to 5 buttons or a single select."""
        self.count += 1
        self.component_id(path, row)
        if row.get("components") is None:  # "Action Row Structure": components has no "?", it is required
            put(self.errors, [*path, "components"], "BASE_TYPE_REQUIRED", "This field is required")
        if self.in_modal:  # "Text Input": the deprecated modal row holds exactly one text input
            children = array(self.errors, [*path, "components"], row.get("components"), low=1, high=1)
            for j, child in enumerate(children):
                if _type_choices(self.errors, [*path, "components", j], child.get("type"), (TEXT_INPUT,)):
                    self.text_input([*path, "components", j], child, in_label=False)
            return
        children = array(self.errors, [*path, "components"], row.get("components"), low=1, high=5)
        kinds = [child.get("type") for child in children]
        for j, child in enumerate(children):
            here = [*path, "components", j]
            if not _type_choices(self.errors, here, child.get("type"), ROW_CHILDREN):
                continue
            if child["type"] == BUTTON:
                self.button(here, child)
            else:
                self.select(here, child)
        if any(k in SELECTS for k in kinds) and len(kinds) > 1:
            put(self.errors, [*path, "components"], "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width")

    def v2(self, path: Path, item: dict[str, Any], allowed: tuple[int, ...]) -> None:
        """components/reference.mdx, "Section", "Text Display", "Container" and the other layout parts."""
        kind = item.get("type")
        if not _type_choices(self.errors, path, kind, allowed):
            return
        if kind == ACTION_ROW:
            self.row(path, item)
            return
        self.count += 1
        self.component_id(path, item)
        if kind == TEXT_DISPLAY:
            text(self.errors, [*path, "content"], item.get("content"), low=1, high=4000, required=True)
        elif kind == SECTION:  # "Section Structure": one to three text displays and an accessory
            children = array(self.errors, [*path, "components"], item.get("components"), low=1, high=3)
            for j, child in enumerate(children):
                self.v2([*path, "components", j], child, (TEXT_DISPLAY,))
            accessory = item.get("accessory")
            if not isinstance(accessory, dict):
                put(self.errors, [*path, "accessory"], "BASE_TYPE_REQUIRED", "This field is required")
            elif _type_choices(self.errors, [*path, "accessory"], accessory.get("type"), (BUTTON, THUMBNAIL)):
                if accessory["type"] == BUTTON:
                    self.button([*path, "accessory"], accessory)
                else:
                    self.count += 1
                    self.component_id([*path, "accessory"], accessory)
        elif kind == CONTAINER:
            number(self.errors, [*path, "accent_color"], item.get("accent_color"), low=0, high=0xFFFFFF)
            for j, child in enumerate(array(self.errors, [*path, "components"], item.get("components"), low=1,
                                            high=40)):
                self.v2([*path, "components", j], child, CONTAINER_CHILDREN)
        elif kind == MEDIA_GALLERY:  # "Media Gallery Structure": 1 to 10 items
            array(self.errors, [*path, "items"], item.get("items"), low=1, high=10)


def validate_message_components(errors: Errors, components: Any, path: Path, *, v2: bool) -> None:
    checker = _Checker(errors, in_modal=False)
    if v2:  # components/reference.mdx, introduction: up to 40 components in a message
        for i, item in enumerate(array(errors, path, components, high=40)):
            checker.v2([*path, i], item, V2_TOP_LEVEL)
        if checker.count > 40:
            put(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")
        return
    # components/reference.mdx, "Legacy Message Component Behavior": up to 5 action rows at the top level.
    for i, row in enumerate(array(errors, path, components, high=5)):
        if _type_choices(errors, [*path, i], row.get("type"), (ACTION_ROW,)):
            checker.row([*path, i], row)


def validate_modal(data: dict[str, Any]) -> dict[str, Any] | None:
    """interactions/receiving-and-responding.mdx, "Modal"; components/reference.mdx, "Label"."""
    errors: Errors = {}
    path: Path = ["data"]
    checker = _Checker(errors, in_modal=True)
    text(errors, [*path, "title"], data.get("title"), low=1, high=45, required=True)
    text(errors, [*path, "custom_id"], data.get("custom_id"), low=1, high=100, required=True)
    rows = array(errors, [*path, "components"], data.get("components"), low=1, high=5)
    if data.get("components") is None:
        put(errors, [*path, "components"], "BASE_TYPE_REQUIRED", "This field is required")
    for i, row in enumerate(rows):
        here = [*path, "components", i]
        if not _type_choices(errors, here, row.get("type"), (ACTION_ROW, TEXT_DISPLAY, LABEL)):
            continue
        if row["type"] != ACTION_ROW:
            checker.component_id(here, row)
        if row["type"] == ACTION_ROW:
            checker.row(here, row)
        elif row["type"] == TEXT_DISPLAY:
            text(errors, [*here, "content"], row.get("content"), low=1, high=4000, required=True)
        else:  # "Label Structure": label max 45, description max 100, one child component
            text(errors, [*here, "label"], row.get("label"), low=1, high=45, required=True)
            text(errors, [*here, "description"], row.get("description"), high=100)
            child = row.get("component")
            if not isinstance(child, dict):
                put(errors, [*here, "component"], "BASE_TYPE_REQUIRED", "This field is required")
            elif _type_choices(errors, [*here, "component"], child.get("type"), LABEL_CHILDREN):
                if child["type"] == TEXT_INPUT:
                    checker.text_input([*here, "component"], child, in_label=True)
                elif child["type"] in SELECTS:
                    checker.select([*here, "component"], child)
                else:
                    checker.component_id([*here, "component"], child)
                    checker.custom_id([*here, "component"], child.get("custom_id"))
    return form_error(errors) if errors else None
