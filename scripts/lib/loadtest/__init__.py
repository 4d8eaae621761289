"""scripts/loadtest: the project's wrk runner for the k6 profiles (see scripts/loadtest --help)."""
