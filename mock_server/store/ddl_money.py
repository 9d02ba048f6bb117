"""Tables for the money part of the store (created at start with the core schema).

The schema is split on semicolons before it runs, so no comment here may contain one.
The loan state itself is the ``loans`` table of ``store/core.py``; these are what moves it.
"""

SCHEMA = """
-- Every money movement, and the card-usage rows of members with a credit card: one row per
-- statement line (SPEC 2.9). Loan principal is derived from this table and checked against
-- `loans.principal`: principal = SUM(amount of kind 'loan') - SUM(principal of 'repayment').
CREATE TABLE IF NOT EXISTS ledger (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    member_number    TEXT NOT NULL REFERENCES members(member_number),
    kind             TEXT NOT NULL CHECK (kind IN ('loan', 'repayment', 'card')),
    occurred_at      TEXT NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount > 0),
    -- repayment allocation (repayment rows only)
    late_interest    INTEGER CHECK (late_interest >= 0),
    interest         INTEGER CHECK (interest >= 0),
    principal        INTEGER CHECK (principal >= 0),
    -- loan and repayment rows: the loan right after the movement
    balance_after    INTEGER CHECK (balance_after >= 0),
    next_due_date    TEXT,
    next_due_amount  INTEGER,
    interest_rate    TEXT,
    repayment_method TEXT,
    bank_code        TEXT,
    transfer         TEXT CHECK (transfer IN ('instant', 'scheduled')),
    arrives_at       TEXT,
    -- card rows
    merchant         TEXT,
    description      TEXT,
    CHECK (kind <> 'repayment' OR late_interest + interest + principal = amount)
);
-- Statement pages walk these backwards, newest first (store/statements.py).
CREATE INDEX IF NOT EXISTS ledger_member_time ON ledger(member_number, occurred_at, id);
CREATE INDEX IF NOT EXISTS ledger_member_kind_time
    ON ledger(member_number, kind, occurred_at, id);

-- Idempotency-Key records (SPEC 2.8). A row is first a claim (`claim` = the nonce of the
-- request working on it) and becomes a stored response when the movement commits.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    member_number TEXT NOT NULL,
    key           TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    claim         TEXT,
    claimed_at    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    completed_at  TEXT,
    status_code   INTEGER,
    response_body TEXT,
    PRIMARY KEY (member_number, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys(created_at);
"""
