-- Cash application: imported statements, their lines, the engine's
-- proposals and the payer -> customer mappings learned from confirmed
-- matches. Documents in body, query columns beside. A statement's
-- fingerprint and a line's key are unique per tenant, so a statement
-- imported twice, even by two processes at once, is stored once.
CREATE TABLE o2c_match_statements (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX o2c_match_statements_fp ON o2c_match_statements (tenant, fingerprint);
CREATE TABLE o2c_match_lines (
    tenant       TEXT NOT NULL,
    id           TEXT NOT NULL,
    version      BIGINT NOT NULL,
    body         JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    statement_id TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    line_key     TEXT NOT NULL,
    status       TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX o2c_match_lines_key ON o2c_match_lines (tenant, line_key);
CREATE INDEX o2c_match_lines_statement ON o2c_match_lines (tenant, statement_id, idx);
CREATE TABLE o2c_match_proposals (
    tenant     TEXT NOT NULL,
    id         TEXT NOT NULL,
    version    BIGINT NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    line_id    TEXT NOT NULL,
    rank       INTEGER NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX o2c_match_proposals_line ON o2c_match_proposals (tenant, line_id, status, rank);
CREATE TABLE o2c_match_mappings (
    tenant      TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    kind        TEXT NOT NULL,
    mapping_key TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
