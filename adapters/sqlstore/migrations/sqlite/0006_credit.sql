-- Credit: profiles per customer, group limits, releases of credit holds.
-- Documents (credit.Profile, credit.Group, credit.Release) with a version,
-- and the columns queries filter on. Amounts are TEXT, never a float.
CREATE TABLE o2c_credit_profiles (
    tenant         TEXT NOT NULL,
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    group_code     TEXT,
    limit_currency TEXT,
    limit_amount   TEXT,
    risk_class     TEXT,
    next_review    TEXT,
    blocked        INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_credit_profiles_group ON o2c_credit_profiles (tenant, group_code, id);
CREATE TABLE o2c_credit_groups (
    tenant         TEXT NOT NULL,
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    limit_currency TEXT NOT NULL,
    limit_amount   TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE TABLE o2c_credit_releases (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    currency    TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
