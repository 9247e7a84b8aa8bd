-- Credit: profiles per customer, group limits, releases of credit holds.
-- Documents (credit.Profile, credit.Group, credit.Release) with a version,
-- and the columns queries filter on.
CREATE TABLE o2c_credit_profiles (
    tenant         TEXT NOT NULL,
    id             UUID NOT NULL,
    version        BIGINT NOT NULL,
    body           JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    group_code     TEXT,
    limit_currency CHAR(3),
    limit_amount   NUMERIC,
    risk_class     TEXT,
    next_review    DATE,
    blocked        BOOLEAN NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_credit_profiles_group ON o2c_credit_profiles (tenant, group_code, id);
CREATE TABLE o2c_credit_groups (
    tenant         TEXT NOT NULL,
    id             TEXT NOT NULL,
    version        BIGINT NOT NULL,
    body           JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    limit_currency CHAR(3) NOT NULL,
    limit_amount   NUMERIC NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE TABLE o2c_credit_releases (
    tenant      TEXT NOT NULL,
    id          UUID NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    customer_id UUID NOT NULL,
    currency    CHAR(3) NOT NULL,
    value       NUMERIC NOT NULL,
    PRIMARY KEY (tenant, id)
);
