"""The ``openstack`` command and the Glance request equivalent to each change.

A command is one shell line a person can paste: every word is quoted with `shlex.quote`,
and a word holding a character a terminal would act on or a line break (a hostile name) is
written in ANSI-C quoting (``$'a\\nb'``) instead, so the line never spans two lines and never
carries an escape sequence.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..model import Change, ChangeOp, visible
from .entry import Request

IMAGES = "/v2/images"

#: ``openstack image set`` options for core fields, by Glance field name.
_VALUE_OPTIONS = {
    "name": "--name",
    "min_disk": "--min-disk",
    "min_ram": "--min-ram",
    "disk_format": "--disk-format",
    "container_format": "--container-format",
}
_FLAG_OPTIONS = {
    "protected": ("--protected", "--unprotected"),
    "os_hidden": ("--hidden", "--unhidden"),
}
_MEMBER_OPTIONS = {"accepted": "--accept", "rejected": "--reject", "pending": "--pending"}


def shell_word(word: str) -> str:
    """``word`` quoted for a POSIX shell, on one line and free of control characters."""
    if visible(word) == word:
        return shlex.quote(word)
    return "$'" + "".join(_ansi_c(ch) for ch in word) + "'"


def _ansi_c(ch: str) -> str:
    if ch in "\\'":
        return "\\" + ch
    if visible(ch) == ch:
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shell_line(*commands: Sequence[str]) -> str:
    """Commands joined with ``&&``, every word quoted."""
    return " && ".join(" ".join(shell_word(w) for w in command) for command in commands if command)


def image_path(image_id: str, *rest: str) -> str:
    """``/v2/images/ID/...`` with every segment percent-encoded as Glance's URLs are."""
    return "/".join((IMAGES, *(quote(str(part), safe="") for part in (image_id, *rest))))


def without_password(uri: str) -> str:
    """``uri`` with the password of its ``user:password@`` part replaced, so the log never keeps it."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    if parts.password is None:
        return uri
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


# -- update_image ----------------------------------------------------------------------


def update_request(image_id: str, changes: Sequence[Change]) -> Request:
    return Request("PATCH", image_path(image_id), [c.to_patch() for c in changes])


def update_command(image_id: str, changes: Sequence[Change], tags_before: Iterable[str] = ()) -> str:
    """``openstack image set ... ID`` (and ``openstack image unset ... ID`` for removals)."""
    set_words: list[str] = []
    unset_words: list[str] = []
    for change in changes:
        if change.path == "tags":
            old = list(tags_before)
            new = [str(t) for t in change.value or []]
            for tag in new:
                if tag not in old:
                    set_words += ["--tag", tag]
            for tag in old:
                if tag not in new:
                    unset_words += ["--tag", tag]
        elif change.op is ChangeOp.REMOVE:
            unset_words += ["--property", change.path]
        else:
            set_words += _set_words(change.path, change.value)
    return shell_line(
        ["openstack", "image", "set", *set_words, image_id] if set_words else [],
        ["openstack", "image", "unset", *unset_words, image_id] if unset_words else [],
    )


def _set_words(path: str, value: Any) -> list[str]:
    if path == "visibility":
        return [f"--{value}"]
    if path in _FLAG_OPTIONS:
        on, off = _FLAG_OPTIONS[path]
        return [on if value else off]
    if path in _VALUE_OPTIONS:
        return [_VALUE_OPTIONS[path], "" if value is None else str(value)]
    return ["--property", f"{path}={'' if value is None else value}"]


# -- tags, lifecycle, members ----------------------------------------------------------


def tag_request(image_id: str, tag: str, *, add: bool) -> Request:
    return Request("PUT" if add else "DELETE", image_path(image_id, "tags", tag))


def tag_command(image_id: str, tag: str, *, add: bool) -> str:
    return shell_line(["openstack", "image", "set" if add else "unset", "--tag", tag, image_id])


def lifecycle_request(image_id: str, action: str) -> Request:
    return Request("POST", image_path(image_id, "actions", action))


def lifecycle_command(image_id: str, action: str) -> str:
    flag = "--deactivate" if action == "deactivate" else "--activate"
    return shell_line(["openstack", "image", "set", flag, image_id])


def add_member_request(image_id: str, member_id: str) -> Request:
    return Request("POST", image_path(image_id, "members"), {"member": member_id})


def add_member_command(image_id: str, member_id: str) -> str:
    return shell_line(["openstack", "image", "add", "project", image_id, member_id])


def remove_member_request(image_id: str, member_id: str) -> Request:
    return Request("DELETE", image_path(image_id, "members", member_id))


def remove_member_command(image_id: str, member_id: str) -> str:
    return shell_line(["openstack", "image", "remove", "project", image_id, member_id])


def member_status_request(image_id: str, member_id: str, status: str) -> Request:
    return Request("PUT", image_path(image_id, "members", member_id), {"status": status})


def member_status_command(image_id: str, status: str) -> str | None:
    """``openstack image set --accept ID``: it answers for the project signed in, as the API does."""
    option = _MEMBER_OPTIONS.get(status)
    return shell_line(["openstack", "image", "set", option, image_id]) if option else None


# -- create, delete, data --------------------------------------------------------------


def create_request(fields: Mapping[str, Any]) -> Request:
    return Request("POST", IMAGES, dict(fields))


def create_command(fields: Mapping[str, Any]) -> str:
    words = ["openstack", "image", "create"]
    for key, value in fields.items():
        if key in ("name", "id"):
            continue
        if key == "tags":
            for tag in value or []:
                words += ["--tag", str(tag)]
        else:
            words += _set_words(key, value)
    if "id" in fields:
        words += ["--id", str(fields["id"])]
    words.append(str(fields.get("name") or ""))
    return shell_line(words)


def delete_request(image_id: str) -> Request:
    return Request("DELETE", image_path(image_id))


def delete_command(image_id: str) -> str:
    return shell_line(["openstack", "image", "delete", image_id])


def data_request(image_id: str, target: str, size: int | None) -> Request:
    note = f"{size} bytes of image data" if size is not None else "image data"
    return Request("PUT", image_path(image_id, target), note=note)


def import_request(image_id: str, method: Mapping[str, Any], **extra: Any) -> Request:
    return Request("POST", image_path(image_id, "import"), {"method": dict(method), **extra})


def import_command(image_id: str, method: str, *options: str) -> str:
    return shell_line(["openstack", "image", "import", "--method", method, *options, image_id])


__all__ = [
    "add_member_command",
    "add_member_request",
    "create_command",
    "create_request",
    "data_request",
    "delete_command",
    "delete_request",
    "image_path",
    "import_command",
    "import_request",
    "lifecycle_command",
    "lifecycle_request",
    "member_status_command",
    "member_status_request",
    "remove_member_command",
    "remove_member_request",
    "shell_line",
    "shell_word",
    "tag_command",
    "tag_request",
    "update_command",
    "update_request",
    "without_password",
]
