"""Tables for the services part of the store (created at start with the core schema).

The core schema is split on semicolons before it runs, so no comment here may contain one.
"""

SCHEMA = """
-- Uploaded income certificates. `filename` is what the member called the file, shown back
-- to them and never used on disk: the file is stored as `stored_name`, which the server
-- generates. Roster certificates have no file (stored_name is NULL). `seq` orders pages.
CREATE TABLE IF NOT EXISTS documents (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    member_number TEXT NOT NULL REFERENCES members(member_number),
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    stored_name   TEXT,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_member ON documents(member_number, seq);
-- The e-mail service toggles. The address itself is the registered one (members.email).
CREATE TABLE IF NOT EXISTS notification_settings (
    member_number   TEXT PRIMARY KEY REFERENCES members(member_number),
    due_reminders   INTEGER NOT NULL,
    overdue_notices INTEGER NOT NULL,
    card_renewal    INTEGER NOT NULL,
    campaigns       INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
);
-- When the electronic-delivery consent last changed (members.e_delivery_at is when it was given).
CREATE TABLE IF NOT EXISTS electronic_delivery (
    member_number TEXT PRIMARY KEY REFERENCES members(member_number),
    updated_at    TEXT NOT NULL
);
-- The loan card's expiry, for the card-renewal notice.
CREATE TABLE IF NOT EXISTS loan_cards (
    member_number TEXT PRIMARY KEY REFERENCES members(member_number),
    expires_on    TEXT NOT NULL
);
-- The mail outbox, read by members as notices. One message per member, kind and reference
-- date (the due date, the overdue day, the card expiry, the campaign day), whatever happens.
CREATE TABLE IF NOT EXISTS notices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_number  TEXT NOT NULL REFERENCES members(member_number),
    kind           TEXT NOT NULL,
    reference_date TEXT NOT NULL,
    to_address     TEXT,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    -- The figures of the body as JSON, to write the notice again in English.
    facts          TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL,
    read_at        TEXT,
    UNIQUE (member_number, kind, reference_date)
);
CREATE INDEX IF NOT EXISTS notices_member ON notices(member_number, id);
CREATE TABLE IF NOT EXISTS limit_increase_applications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    member_number   TEXT NOT NULL REFERENCES members(member_number),
    requested_limit INTEGER NOT NULL,
    status          TEXT NOT NULL,
    reasons         TEXT NOT NULL DEFAULT '[]',
    decided_at      TEXT NOT NULL,
    previous_limit  INTEGER NOT NULL,
    previous_rate   TEXT NOT NULL,
    new_limit       INTEGER,
    new_rate        TEXT
);
CREATE INDEX IF NOT EXISTS limit_increase_member ON limit_increase_applications(member_number, id);
"""
