"""The audit log: who viewed, exported or tagged what, and when."""
import json
import time
from typing import Optional

import sqlalchemy as sa

from review import schema


def write(connection, staff_id: Optional[int], action: str, sender_id: Optional[str] = None,
          detail: Optional[dict] = None) -> None:
    connection.execute(sa.insert(schema.audit).values(
        at=time.time(), staff_id=staff_id, action=action, sender_id=sender_id,
        detail=json.dumps(detail or {}, sort_keys=True)))
