package io.shortlink.core.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a database that could not answer (retry later) from a database that said no (retrying
 * the same statement gets the same no). Used by the click ledger to decide between retrying a
 * batch and setting it aside.
 */
final class SqlFailures {
    /**
     * MySQL/MariaDB error codes that mean "not now" rather than "no": lock wait timeout (1205),
     * deadlock (1213), too many connections (1040), server shutting down (1053), connection
     * killed (1927), read-only during a failover (1290, 1836), network errors (1158-1161),
     * query interrupted (1317), and the client's own can't connect / gone away / lost (2002,
     * 2003, 2006, 2013).
     */
    private static final Set<Integer> MYSQL_TRANSIENT = Set.of(1205, 1213, 1040, 1053, 1927, 1290, 1836,
            1158, 1159, 1160, 1161, 1317, 2002, 2003, 2006, 2013);
    /** H2: database closed or being closed (90098, 90121), lock timeout (50200), deadlock (40001). */
    private static final Set<Integer> H2_TRANSIENT = Set.of(90098, 90121, 50200, 40001);

    private SqlFailures() {
    }

    static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException s && (transientState(s.getSQLState())
                    || MYSQL_TRANSIENT.contains(s.getErrorCode()) || H2_TRANSIENT.contains(s.getErrorCode()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** SQLSTATE classes: 08 connection exception, 40 transaction rollback (deadlock, serialization); HYT00 timeout. */
    private static boolean transientState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("40") || state.equals("HYT00"));
    }
}
