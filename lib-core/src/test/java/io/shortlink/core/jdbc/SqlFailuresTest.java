package io.shortlink.core.jdbc;

import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class SqlFailuresTest {

    @Test
    void couldNotReachOrHearFromTheDatabase_isTransient() {
        assertTrue(SqlFailures.isTransient(new SQLException("Communications link failure", "08S01")));
        assertTrue(SqlFailures.isTransient(new SQLTransientConnectionException("pool timeout")));
        assertTrue(SqlFailures.isTransient(new SQLTimeoutException("statement timeout")));
        assertTrue(SqlFailures.isTransient(new SQLException("read timed out", null, 0, new SocketTimeoutException())));
    }

    @Test
    void lockWaitsAndDeadlocks_areTransient() {
        assertTrue(SqlFailures.isTransient(new SQLException("Lock wait timeout exceeded", "HY000", 1205)));
        assertTrue(SqlFailures.isTransient(new SQLException("Deadlock found", "40001", 1213)));
    }

    @Test
    void whatTheDatabaseRefuses_isNotTransient() {
        assertFalse(SqlFailures.isTransient(new SQLException("signalled by a trigger", "45000", 1644)));
        assertFalse(SqlFailures.isTransient(new SQLException("Data too long", "22001", 1406)));
        assertFalse(SqlFailures.isTransient(new SQLIntegrityConstraintViolationException("duplicate", "23000", 1062)));
        assertFalse(SqlFailures.isTransient(new SQLException("Table doesn't exist", "42S02", 1146)));
    }
}
