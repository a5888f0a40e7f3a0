"""Staff accounts: passwords hashed with argon2 (argon2-cffi's defaults, RFC 9106).

    python -m review.accounts create NAME    asks for the password (or reads it from stdin)
    python -m review.accounts passwd NAME    a new password; the account's sessions end
    python -m review.accounts disable NAME   no more logins; the account's sessions end
    python -m review.accounts enable NAME
    python -m review.accounts list
"""
import argparse
import getpass
import re
import sys
import time
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from review import schema, settings

HASHER = PasswordHasher()
MIN_PASSWORD = 12
NAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
# Verified against when the name is unknown, so that a wrong name takes as long as a
# wrong password and does not tell which names exist.
_DUMMY_HASH = HASHER.hash("not a password of anyone's")


class AccountError(ValueError):
    pass


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")


def create(connection, name: str, password: str) -> int:
    if not NAME.match(name):
        raise AccountError("A name is 2-64 letters, digits, dots, dashes or underscores.")
    _check_password(password)
    if connection.execute(sa.select(schema.staff.c.id).where(schema.staff.c.name == name)).first():
        raise AccountError(f"There is already an account called {name}.")
    result = connection.execute(sa.insert(schema.staff).values(
        name=name, password_hash=HASHER.hash(password), created_at=time.time()))
    return result.inserted_primary_key[0]


def _id_of(connection, name: str) -> int:
    found = connection.execute(sa.select(schema.staff.c.id).where(schema.staff.c.name == name)).first()
    if found is None:
        raise AccountError(f"There is no account called {name}.")
    return found.id


def _end_sessions(connection, staff_id: int) -> None:
    connection.execute(sa.delete(schema.sessions).where(schema.sessions.c.staff_id == staff_id))


def set_password(connection, name: str, password: str) -> None:
    _check_password(password)
    staff_id = _id_of(connection, name)
    connection.execute(sa.update(schema.staff).where(schema.staff.c.id == staff_id)
                       .values(password_hash=HASHER.hash(password)))
    _end_sessions(connection, staff_id)


def disable(connection, name: str) -> None:
    staff_id = _id_of(connection, name)
    if not is_disabled(connection, staff_id):
        connection.execute(sa.insert(schema.disabled).values(staff_id=staff_id, at=time.time()))
    _end_sessions(connection, staff_id)


def enable(connection, name: str) -> None:
    connection.execute(sa.delete(schema.disabled).where(schema.disabled.c.staff_id == _id_of(connection, name)))


def is_disabled(connection, staff_id: int) -> bool:
    return connection.execute(sa.select(schema.disabled.c.staff_id)
                              .where(schema.disabled.c.staff_id == staff_id)).first() is not None


def verify(connection, name: str, password: str) -> Optional[int]:
    """The account's id if the password is right and the account enabled, else None."""
    row = connection.execute(
        sa.select(schema.staff.c.id, schema.staff.c.password_hash).where(schema.staff.c.name == name)
    ).first()
    try:
        HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or is_disabled(connection, row.id):
        return None
    if HASHER.check_needs_rehash(row.password_hash):
        connection.execute(sa.update(schema.staff).where(schema.staff.c.id == row.id)
                           .values(password_hash=HASHER.hash(password)))
    return row.id


DONE = {"create": "Created the account {name}.", "passwd": "Changed the password of {name}.",
        "disable": "Disabled the account {name}.", "enable": "Enabled the account {name}."}


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("The passwords differ.")
    return first


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Staff accounts for the review pages.")
    parser.add_argument("--url", default=settings.database_url(), help="database URL (default: TRACKER_URL)")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, text in (("create", "create an account; the password is read from a prompt or stdin"),
                          ("passwd", "set a new password (prompt or stdin); the account's sessions end"),
                          ("disable", "stop an account from logging in; its sessions end"),
                          ("enable", "let a disabled account log in again")):
        commands.add_parser(command, help=text).add_argument("name")
    commands.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)
    engine = schema.engine_for(args.url)
    schema.create(engine)
    try:
        if args.command == "list":
            with engine.connect() as connection:
                for staff_id, name, created in connection.execute(sa.select(
                        schema.staff.c.id, schema.staff.c.name, schema.staff.c.created_at).order_by(schema.staff.c.name)):
                    state = " (disabled)" if is_disabled(connection, staff_id) else ""
                    print(name, time.strftime("%Y-%m-%d", time.gmtime(created)) + state)
            return 0
        try:
            password = _read_password() if args.command in ("create", "passwd") else None
            with engine.begin() as connection:
                if args.command == "create":
                    create(connection, args.name, password)
                elif args.command == "passwd":
                    set_password(connection, args.name, password)
                elif args.command == "disable":
                    disable(connection, args.name)
                else:
                    enable(connection, args.name)
        except AccountError as error:
            print(error, file=sys.stderr)
            return 2
        print(DONE[args.command].format(name=args.name))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
