-- Exactly-once clicks (issue 6). Ids are 16-byte version-7 UUIDs, most significant byte first:
-- they sort by time as bytes, so inserts land at the end of the primary key and old rows are
-- purged by key range, without another index.

-- Batches of counts the in-process click batcher applied, recorded in the same transaction as
-- the counts: a retry after a lost COMMIT acknowledgement finds its id and applies nothing.
-- Kept a day (a retry comes within minutes).
CREATE TABLE click_batches (
    batch_id BINARY(16) NOT NULL,
    PRIMARY KEY (batch_id)
);

-- One row per click that came through Kafka, inserted by event id with INSERT IGNORE in the same
-- transaction as the rollups: a click delivered twice (a spill replayed after Kafka had the
-- original) is counted once. Also the raw material for later analytics. Kept for the configured
-- retention (shortlink.clicks.events-retention).
CREATE TABLE click_events (
    event_id   BINARY(16)  NOT NULL,
    code       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    clicked_at BIGINT      NOT NULL,
    PRIMARY KEY (event_id)
);

-- How far the click consumer has applied each partition of a stream ('kafka:<topic>'), moved
-- in the same transaction as the events of the range, with a compare-and-set on next_offset.
CREATE TABLE stream_positions (
    stream      VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    part        INT          NOT NULL,
    next_offset BIGINT       NOT NULL,
    PRIMARY KEY (stream, part)
);
