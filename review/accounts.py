"""Staff accounts: passwords hashed with argon2 (argon2-cffi's defaults, RFC 9106).

    python -m review.accounts create NAME    asks for the password (or reads it from stdin)
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


def create(connection, name: str, password: str) -> int:
    if not NAME.match(name):
        raise AccountError("A name is 2-64 letters, digits, dots, dashes or underscores.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    if connection.execute(sa.select(schema.staff.c.id).where(schema.staff.c.name == name)).first():
        raise AccountError(f"There is already an account called {name}.")
    result = connection.execute(sa.insert(schema.staff).values(
        name=name, password_hash=HASHER.hash(password), created_at=time.time()))
    return result.inserted_primary_key[0]


def verify(connection, name: str, password: str) -> Optional[int]:
    """The account's id if the password is right, else None."""
    row = connection.execute(
        sa.select(schema.staff.c.id, schema.staff.c.password_hash).where(schema.staff.c.name == name)
    ).first()
    try:
        HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if HASHER.check_needs_rehash(row.password_hash):
        connection.execute(sa.update(schema.staff).where(schema.staff.c.id == row.id)
                           .values(password_hash=HASHER.hash(password)))
    return row.id


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
    create_parser = commands.add_parser("create", help="create an account; the password is read from a prompt or stdin")
    create_parser.add_argument("name")
    commands.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)
    engine = schema.engine_for(args.url)
    schema.create(engine)
    try:
        if args.command == "list":
            with engine.connect() as connection:
                for name, created in connection.execute(
                        sa.select(schema.staff.c.name, schema.staff.c.created_at).order_by(schema.staff.c.name)):
                    print(name, time.strftime("%Y-%m-%d", time.gmtime(created)))
            return 0
        try:
            password = _read_password()
            with engine.begin() as connection:
                create(connection, args.name, password)
        except AccountError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"Created the account {args.name}.")
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
