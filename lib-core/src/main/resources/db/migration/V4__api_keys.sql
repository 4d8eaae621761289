-- API keys (issue 9). A token (slk_<id>_<secret>) is shown once when it is issued; only the
-- SHA-256 of the whole token is kept, so a copy of this table opens nothing. The id is the
-- token's public part: the primary key finds the row, then the hashes are compared.
CREATE TABLE api_keys (
    id           VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token_hash   BINARY(32)   NOT NULL,
    label        VARCHAR(200) NOT NULL,
    -- The scopes' wire names, separated by spaces (links:create links:read ...).
    scopes       VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT       NULL,
    revoked_at   BIGINT       NULL,
    -- Written at most once a minute per key (ApiKeys.LAST_USE_RESOLUTION).
    last_used_at BIGINT       NULL,
    PRIMARY KEY (id)
);
