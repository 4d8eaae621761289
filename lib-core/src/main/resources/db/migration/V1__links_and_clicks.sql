-- One schema for H2 (MODE=MySQL) and MySQL/MariaDB.
-- Times are epoch milliseconds (BIGINT): no time-zone conversion anywhere, same on every engine.
-- Codes are ASCII with a binary collation: 'abc' and 'ABC' are two codes (case-sensitive).

CREATE TABLE links (
    id           BIGINT        NOT NULL AUTO_INCREMENT,
    code         VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    url          VARCHAR(2048) NOT NULL,
    created_at   BIGINT        NOT NULL,
    expires_at   BIGINT        NULL,
    deleted_at   BIGINT        NULL,
    -- Kept by the click ledger in the same transaction as the rollups: totals never COUNT(*).
    total_clicks BIGINT        NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    -- Serves: redirect lookup, metadata, delete, and the per-link total update. A code is unique
    -- for ever: deleted and expired rows stay, so a used code is never given out again.
    CONSTRAINT uk_links_code UNIQUE (code)
);

-- Per-minute click counts. The primary key serves the upsert (code, minute) and the stats
-- range scan (code = ? AND minute_epoch BETWEEN ...), already in time order.
CREATE TABLE click_rollups (
    code         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    minute_epoch BIGINT      NOT NULL,
    clicks       BIGINT      NOT NULL,
    PRIMARY KEY (code, minute_epoch)
);

-- Global totals, striped over 16 slots so that concurrent writers rarely touch the same row;
-- a total is the sum of its 16 rows (read by primary key).
CREATE TABLE counters (
    name  VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    slot  INT         NOT NULL,
    total BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (name, slot)
);

INSERT INTO counters (name, slot, total) VALUES
    ('links', 0, 0), ('links', 1, 0), ('links', 2, 0), ('links', 3, 0),
    ('links', 4, 0), ('links', 5, 0), ('links', 6, 0), ('links', 7, 0),
    ('links', 8, 0), ('links', 9, 0), ('links', 10, 0), ('links', 11, 0),
    ('links', 12, 0), ('links', 13, 0), ('links', 14, 0), ('links', 15, 0),
    ('clicks', 0, 0), ('clicks', 1, 0), ('clicks', 2, 0), ('clicks', 3, 0),
    ('clicks', 4, 0), ('clicks', 5, 0), ('clicks', 6, 0), ('clicks', 7, 0),
    ('clicks', 8, 0), ('clicks', 9, 0), ('clicks', 10, 0), ('clicks', 11, 0),
    ('clicks', 12, 0), ('clicks', 13, 0), ('clicks', 14, 0), ('clicks', 15, 0);
