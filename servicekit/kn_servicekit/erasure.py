"""Erasing a subject at its owner: the keys go, and stored answers lose the names.

The idempotency answers a service keeps (kn_servicekit.idempotency) may repeat a person's
name; before the keys go, the subject's names and notes are read from our own events
(opened, while the keys still open them) and replaced in those answers by "[slettet]".
"""

from __future__ import annotations

import datetime as dt

from kn_contracts.catalog import Catalog
from kn_contracts.sealed import personal_texts
from kn_servicekit import idempotency
from kn_servicekit.db import Connection
from kn_servicekit.subject_keys import SubjectKeys

_SEALED_UNDER_THE_SUBJECT = """
SELECT e.ce_type, e.payload FROM kn_events e
WHERE EXISTS (SELECT 1 FROM kn_subject_keys k WHERE k.subject_id = $1 AND k.erased_at IS NULL
              AND strpos(e.payload, k.key_id) > 0)
"""


async def erase_subject(
    conn: Connection,
    keys: SubjectKeys,
    catalog: Catalog,
    subject_id: str,
    issued_by: dt.datetime | None = None,
) -> list[str]:
    """Delete the subject's keys (issued by `issued_by`) and redact stored answers naming
    them; the key ids erased. A scan of the event table: erasure is rare."""
    texts: set[str] = set()
    for row in await conn.fetch(_SEALED_UNDER_THE_SUBJECT, subject_id):
        texts |= personal_texts(
            catalog.decode(row["ce_type"], row["payload"], keys.ring), subject_id
        )
    erased = await keys.erase(conn, subject_id, issued_by)
    if erased and await conn.fetchval("SELECT to_regclass('kn_idempotency') IS NOT NULL"):
        await idempotency.redact(conn, texts)
    return erased
