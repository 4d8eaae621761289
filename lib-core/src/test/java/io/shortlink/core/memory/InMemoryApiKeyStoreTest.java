package io.shortlink.core.memory;

import io.shortlink.core.access.ApiKeyStore;
import io.shortlink.core.testing.ApiKeyStoreContract;

/** The in-memory key store against the contract every key store keeps. */
final class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {
    @Override
    protected ApiKeyStore emptyStore() {
        return new InMemoryApiKeyStore();
    }
}
