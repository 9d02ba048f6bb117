"""``acom-tui staff ...``: the staff actions from the shell, for scripts.

Each run logs in, does one thing, and logs out. The password comes from the environment
variable ``ACOM_STAFF_PASSWORD`` or, when stdin is a terminal, from a ``getpass`` prompt;
never from an argument (it would sit in the shell history and in ``ps``). With neither,
the command stops before connecting, with status 2.

Exit status: 0 done; 1 the server (or the network) refused; 2 the command line is wrong
or something it needs is missing. ``--json`` prints one JSON object on stdout with stable
keys, the error too (``{"error": {...}}``); the human message always goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from rich.cells import cell_len

from acom_tui.i18n import detect_language, set_language, t
from acom_tui.normalize import InputError, parse_member_number
from acom_tui.staff.rules import (
    IDENTITY_CHECKED,
    IDENTITY_DOCUMENTS,
    MAX_REASON_LENGTH,
    SUSPENSION_REASONS,
    ActionKind,
    ReasonError,
    clean_reason,
)

if TYPE_CHECKING:
    from pydantic import SecretStr

    from acom_contract.schemas import AuditEntry, MemberSummary, OneTimePin
    from acom_tui.api.client import StaffClient

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "PASSWORD_ENV",
    "STAFF_ID_ENV",
    "build_parser",
    "main",
]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
PASSWORD_ENV = "ACOM_STAFF_PASSWORD"  # noqa: S105 - the name of the variable, not a password
STAFF_ID_ENV = "ACOM_STAFF_ID"
AUDIT_DEFAULT_LIMIT = 20
LOGOUT_WAIT_S = 2.0

# command name -> the action it performs (lookup and audit are not actions)
_ACTION_COMMANDS: Mapping[str, ActionKind] = {
    "unlock": "unlock",
    "pin-reset": "pin_reset",
    "suspend": "suspend",
    "reinstate": "reinstate",
    "card-lost": "card_lost",
    "card-reissued": "card_reissued",
}


class UsageError(Exception):
    """The command cannot run as typed; the message is already translated."""


@dataclass(frozen=True, slots=True)
class Io:
    out: TextIO
    err: TextIO


# --- arguments ----------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, *, inherited: bool) -> None:
    """The connection and output options, accepted before or after the command.

    In the commands' copies the defaults are suppressed, so an option given before the
    command is not reset by the command's parser.
    """
    default = argparse.SUPPRESS if inherited else None
    flag_default: Any = argparse.SUPPRESS if inherited else False
    parser.add_argument("--server", metavar="URL", default=default, help="staff API base URL")
    parser.add_argument(
        "--demo",
        action="store_true",
        default=flag_default,
        help="a fresh in-process demo roster for this one command (trying it out, tests)",
    )
    parser.add_argument(
        "--staff-id", metavar="ID", default=default, help=f"staff ID (default: ${STAFF_ID_ENV})"
    )
    parser.add_argument(
        "--json", action="store_true", default=flag_default, help="print one JSON object"
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=flag_default,
        help="allow plain http to a host other than this machine (never for real use)",
    )
    parser.add_argument("--lang", choices=["ja", "en"], default=default, help="message language")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acom-tui staff",
        description=(
            "Support staff actions from the shell. The password is read from "
            f"${PASSWORD_ENV}, or asked for when stdin is a terminal; never from an argument."
        ),
    )
    _common(parser, inherited=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _common(common, inherited=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    lookup = command("lookup", "show a member's status, lock, suspension, card and contact")
    lookup.add_argument("member_number", metavar="MEMBER_NUMBER")

    helps = {
        "unlock": "unlock after an identity check",
        "pin-reset": "issue a one-time PIN (printed once)",
        "suspend": "suspend with a reason code",
        "reinstate": "lift a suspension",
        "card-lost": "register the card as lost or stolen",
        "card-reissued": "record that a new card was issued",
    }
    for name, help_text in helps.items():
        sub = command(name, help_text)
        sub.add_argument("member_number", metavar="MEMBER_NUMBER")
        sub.add_argument(
            "--reason", required=True, help=f"why (recorded; 1-{MAX_REASON_LENGTH} characters)"
        )
        if _ACTION_COMMANDS[name] in IDENTITY_CHECKED:
            sub.add_argument(
                "--document",
                required=True,
                choices=IDENTITY_DOCUMENTS,
                help="the identity document that was checked",
            )
        if name == "suspend":
            sub.add_argument(
                "--code", required=True, choices=SUSPENSION_REASONS, help="suspension reason code"
            )

    audit = command("audit", "the audit log, newest first")
    audit.add_argument("--member", metavar="MEMBER_NUMBER", help="only entries about this member")
    audit.add_argument("--staff", metavar="STAFF_ID", help="only entries by this staff member")
    audit.add_argument(
        "--limit", type=int, default=AUDIT_DEFAULT_LIMIT, help="entries (1-500, default 20)"
    )
    audit.add_argument("--cursor", help="next_cursor of the previous page")
    return parser


# --- checks before connecting -------------------------------------------------------------


def _member_number(text: str) -> str:
    try:
        return parse_member_number(text).value
    except InputError as error:
        raise UsageError(t(error.message_key, **error.params)) from None


def _reason(text: str) -> str:
    try:
        return clean_reason(text)
    except ReasonError as error:
        key = f"staff.dialog.reason_{error.code.lower()}"
        raise UsageError(t(key, max=MAX_REASON_LENGTH)) from None


def _server(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """The server URL, or None for the demo."""
    from acom_tui.api.urls import url_problem
    from acom_tui.paths import config_path

    if args.demo:
        return None
    url: str | None = args.server
    allow_insecure: bool = args.allow_insecure_http
    if url is None:
        path = config_path(environ)
        if path.exists():
            from acom_tui.config import ConfigError, load_settings

            try:
                settings = load_settings(path)
            except ConfigError as exc:
                raise UsageError(t("cli.config_error", error=exc)) from None
            if "url" in settings.server.model_fields_set:
                url = settings.server.url
            allow_insecure = allow_insecure or settings.server.allow_insecure_http
    if url is None:
        raise UsageError(t("staff.cli.no_server"))
    problem = url_problem(url, allow_insecure_http=allow_insecure)
    if problem is not None:
        raise UsageError(t("cli.bad_server", error=problem))
    args.allow_insecure_http = allow_insecure
    return url


def read_password(
    staff_id: str,
    environ: Mapping[str, str],
    *,
    is_tty: Callable[[], bool],
    prompt: Callable[[str], str] | None = None,
) -> SecretStr:
    """The password from the environment, else a prompt on a terminal; never guessed."""
    from pydantic import SecretStr

    value = environ.get(PASSWORD_ENV, "")
    if not value:
        if not is_tty():
            raise UsageError(t("staff.cli.no_password", env=PASSWORD_ENV))
        ask = prompt or getpass.getpass
        value = ask(t("staff.cli.password_prompt", staff_id=staff_id) + " ")
        if not value:
            raise UsageError(t("staff.login.password_empty"))
    return SecretStr(value)


# --- output -------------------------------------------------------------------------------


def _print_json(io: Io, data: Mapping[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False, sort_keys=True), file=io.out)


def _print_rows(io: Io, rows: Sequence[tuple[str, str]]) -> None:
    width = max((cell_len(label) for label, _value in rows), default=0)
    for label, value in rows:
        print(f"{label}{' ' * (width - cell_len(label))}  {value}", file=io.out)


def _member_json(member: MemberSummary) -> dict[str, Any]:
    return member.model_dump(mode="json")


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    return entry.model_dump(mode="json")


def _show_member(io: Io, member: MemberSummary, *, as_json: bool, action: str | None) -> None:
    from acom_tui.staff.texts import member_rows

    if as_json:
        data: dict[str, Any] = {"member": _member_json(member)}
        if action is not None:
            data["action"] = action
        _print_json(io, data)
        return
    if action is not None:
        print(t(f"staff.done.{action}"), file=io.err)
    _print_rows(io, member_rows(member))


def _show_pin(io: Io, pin: OneTimePin, *, as_json: bool) -> None:
    from acom_tui.formatting import format_datetime
    from acom_tui.i18n import get_language

    secret = pin.one_time_pin.get_secret_value()
    print(t("staff.pin.warning"), file=io.err)
    if as_json:
        _print_json(
            io,
            {
                "action": "pin_reset",
                "member_number": pin.member_number,
                "one_time_pin": secret,
                "expires_at": pin.expires_at.isoformat(),
            },
        )
        return
    when = format_datetime(pin.expires_at, get_language())
    _print_rows(
        io,
        [
            (t("staff.member.number"), pin.member_number),
            (t("staff.pin.label"), secret),
            (t("staff.cli.expires"), when),
        ],
    )


def _show_audit(
    io: Io, items: Sequence[AuditEntry], next_cursor: str | None, as_json: bool
) -> None:
    from acom_tui.staff.texts import action_label, audit_summary, audit_time

    if as_json:
        _print_json(io, {"items": [_entry_json(e) for e in items], "next_cursor": next_cursor})
        return
    if not items:
        print(t("staff.audit.empty"), file=io.err)
    for entry in items:
        cells = (
            audit_time(entry.at),
            entry.actor,
            action_label(entry.action),
            entry.member_number or "-",
            audit_summary(entry),
        )
        print("  ".join(cells).rstrip(), file=io.out)
    if next_cursor is not None:
        print(t("staff.cli.more", cursor=next_cursor), file=io.err)


def _show_error(io: Io, error: BaseException, *, as_json: bool, action: str | None) -> None:
    from acom_tui.api.errors import ApiError
    from acom_tui.staff.errors import message_for

    message = message_for(error, action=action)
    print(message, file=io.err)
    if as_json:
        api = error if isinstance(error, ApiError) else None
        _print_json(
            io,
            {
                "error": {
                    "code": api.code if api is not None else "UNEXPECTED",
                    "message": message,
                    "details": api.details if api is not None else {},
                    "request_id": api.request_id if api is not None else None,
                }
            },
        )


# --- running ------------------------------------------------------------------------------


async def _open_client(url: str | None, allow_insecure_http: bool) -> tuple[StaffClient, Any]:
    """The client, and what to close after it (the demo, when there is one)."""
    from acom_tui.api.client import StaffClient

    if url is not None:
        return StaffClient(url, allow_insecure_http=allow_insecure_http), None
    from acom_tui.api.demo import DEMO_BASE_URL, open_demo

    # open_demo blocks (FastAPI import, roster hashing); nothing else runs meanwhile.
    demo = open_demo()
    return StaffClient(DEMO_BASE_URL, transport=demo.transport), demo


async def _run(args: argparse.Namespace, url: str | None, password: SecretStr, io: Io) -> int:
    from acom_tui.api.errors import ApiError
    from acom_tui.staff.actions import ActionRequest, perform

    action = _ACTION_COMMANDS.get(args.command)
    client, demo = await _open_client(url, args.allow_insecure_http)
    try:
        try:
            await client.login(args.staff_id, password)
            if args.command == "lookup":
                member = await client.member(args.member_number)
                _show_member(io, member, as_json=args.json, action=None)
            elif args.command == "audit":
                page = await client.audit_log(
                    member_number=args.member,
                    staff_id=args.staff,
                    cursor=args.cursor,
                    limit=args.limit,
                )
                _show_audit(io, page.items, page.next_cursor, args.json)
            else:
                assert action is not None
                request = ActionRequest(
                    action,
                    args.reason,
                    identity_document=getattr(args, "document", None),
                    reason_code=getattr(args, "code", None),
                )
                result = await perform(client, args.member_number, request)
                from acom_contract.schemas import OneTimePin

                if isinstance(result, OneTimePin):
                    _show_pin(io, result, as_json=args.json)
                else:
                    _show_member(io, result, as_json=args.json, action=action)
        except ApiError as error:
            _show_error(io, error, as_json=args.json, action=action)
            return EXIT_REFUSED
        finally:
            await _logout(client)
    finally:
        await client.aclose()
        if demo is not None:
            await demo.aclose()
    return EXIT_OK


async def _logout(client: StaffClient) -> None:
    from acom_tui.api.errors import ApiError

    # The server ends an idle staff session by itself; the command's result stands.
    with contextlib.suppress(ApiError, TimeoutError):
        await asyncio.wait_for(client.logout(), LOGOUT_WAIT_S)


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one staff command; the exit status (0 ok, 1 refused, 2 usage)."""
    env = os.environ if environ is None else environ
    io = Io(stdout or sys.stdout, stderr or sys.stderr)
    # Library warnings must not mix with the command's own output.
    logging.getLogger().addHandler(logging.NullHandler())
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    set_language(args.lang or detect_language(env))
    try:
        args.staff_id = (args.staff_id or env.get(STAFF_ID_ENV, "")).strip()
        if not args.staff_id:
            raise UsageError(t("staff.cli.no_staff_id", env=STAFF_ID_ENV))
        if hasattr(args, "member_number"):
            args.member_number = _member_number(args.member_number)
        if args.command == "audit":
            if args.member is not None:
                args.member = _member_number(args.member)
            if not 1 <= args.limit <= 500:
                raise UsageError(t("staff.cli.bad_limit"))
        if hasattr(args, "reason"):
            args.reason = _reason(args.reason)
        url = _server(args, env)
        password = read_password(args.staff_id, env, is_tty=sys.stdin.isatty)
    except UsageError as error:
        print(error, file=io.err)
        if args.json:
            _print_json(io, {"error": {"code": "USAGE", "message": str(error), "details": {}}})
        return EXIT_USAGE
    if args.demo:
        print(t("staff.cli.demo_note"), file=io.err)
    try:
        return asyncio.run(_run(args, url, password, io))
    except Exception as error:
        _show_error(io, error, as_json=args.json, action=None)
        return EXIT_REFUSED


if __name__ == "__main__":
    raise SystemExit(main())
