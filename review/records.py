"""What the review pages read and write for one conversation: its summary row, its tags
and its staff notes. The routes in review/app.py hold no SQL of their own."""
import time
from typing import List, Optional

import sqlalchemy as sa

from review import schema
from review.filters import with_flags


def summary(connection, sender: str) -> Optional[dict]:
    return connection.execute(with_flags().where(schema.conversations.c.sender_id == sender)).mappings().first()


def exists(connection, sender: str) -> bool:
    return connection.execute(sa.select(schema.conversations.c.sender_id)
                              .where(schema.conversations.c.sender_id == sender)).first() is not None


def tags(connection, sender: str) -> List[str]:
    return [t for (t,) in connection.execute(
        sa.select(schema.tags.c.tag).where(schema.tags.c.sender_id == sender).order_by(schema.tags.c.tag))]


def notes(connection, sender: str) -> list:
    """(text, created_at, staff name) of each note, oldest first."""
    return connection.execute(
        sa.select(schema.notes.c.text, schema.notes.c.created_at, schema.staff.c.name)
        .join_from(schema.notes, schema.staff, schema.notes.c.staff_id == schema.staff.c.id)
        .where(schema.notes.c.sender_id == sender).order_by(schema.notes.c.id)).all()


def add_tag(connection, sender: str, tag: str, staff_id: int) -> None:
    """Tag the conversation once: tagging it again changes nothing."""
    present = connection.execute(sa.select(schema.tags.c.tag).where(
        schema.tags.c.sender_id == sender, schema.tags.c.tag == tag)).first()
    if present is None:
        connection.execute(sa.insert(schema.tags).values(
            sender_id=sender, tag=tag, staff_id=staff_id, created_at=time.time()))


def remove_tag(connection, sender: str, tag: str) -> None:
    connection.execute(sa.delete(schema.tags).where(schema.tags.c.sender_id == sender, schema.tags.c.tag == tag))


def add_note(connection, sender: str, text: str, staff_id: int) -> None:
    connection.execute(sa.insert(schema.notes).values(
        sender_id=sender, staff_id=staff_id, text=text, created_at=time.time()))
