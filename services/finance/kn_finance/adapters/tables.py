"""Finance's own tables of other services' facts, kept by the finance_inputs projection."""

from __future__ import annotations

TABLES = """
CREATE TABLE IF NOT EXISTS fin_networks (
    network_id  text PRIMARY KEY,
    name        text NOT NULL
);
CREATE TABLE IF NOT EXISTS fin_meetings (
    network_id    text NOT NULL,
    meeting_id    text NOT NULL,
    meeting_date  date NOT NULL,
    status        text NOT NULL,
    PRIMARY KEY (network_id, meeting_id)
);
CREATE TABLE IF NOT EXISTS fin_lists (
    network_id  text NOT NULL,
    meeting_id  text NOT NULL,
    revision    integer NOT NULL,
    lines       text NOT NULL,
    PRIMARY KEY (network_id, meeting_id, revision)
);
CREATE TABLE IF NOT EXISTS fin_coordinator_acts (
    seq         bigserial PRIMARY KEY,
    network_id  text NOT NULL,
    ce_type     text NOT NULL,
    body        text NOT NULL
);
CREATE INDEX IF NOT EXISTS fin_coordinator_acts_network ON fin_coordinator_acts (network_id);
"""

UPSERT_NETWORK = """
INSERT INTO fin_networks (network_id, name) VALUES ($1, $2)
ON CONFLICT (network_id) DO UPDATE SET name = excluded.name
"""
MEETING = """
INSERT INTO fin_meetings (network_id, meeting_id, meeting_date, status) VALUES ($1, $2, $3, $4)
ON CONFLICT (network_id, meeting_id) DO UPDATE
SET meeting_date = coalesce($5, fin_meetings.meeting_date),
    status = coalesce($6, fin_meetings.status)
"""
LISTED = """
INSERT INTO fin_lists (network_id, meeting_id, revision, lines) VALUES ($1, $2, $3, $4)
ON CONFLICT (network_id, meeting_id, revision) DO UPDATE SET lines = excluded.lines
"""
ACT = "INSERT INTO fin_coordinator_acts (network_id, ce_type, body) VALUES ($1, $2, $3)"
