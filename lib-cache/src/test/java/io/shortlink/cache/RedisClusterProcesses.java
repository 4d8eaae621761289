package io.shortlink.cache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of a test's own: six {@link RedisProcess}es on free ports (3 masters, each
 * with a replica), formed with {@code redis-cli --cluster create}. A node that misses the others
 * for {@link #NODE_TIMEOUT} is failed over, so a killed master is replaced within seconds.
 */
final class RedisClusterProcesses implements AutoCloseable {
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);
    private static final int NODES = 6;
    /** Redis Cluster talks between nodes on each node's port + 10000. */
    private static final int BUS_OFFSET = 10_000;
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    private final List<RedisProcess> nodes;

    private RedisClusterProcesses(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    /** Starts six nodes under {@code dir} and forms the cluster; returns once every node sees it healthy. */
    static RedisClusterProcesses start(Path dir) throws IOException, InterruptedException {
        int base = freeBase();
        List<RedisProcess> nodes = new ArrayList<>();
        RedisClusterProcesses cluster = new RedisClusterProcesses(nodes);
        try {
            for (int i = 0; i < NODES; i++) {
                // repl-diskless-sync-delay 0: a master sends its replica the data at once instead
                // of after 5 s; a replica that never synced cannot take over.
                nodes.add(RedisProcess.start(base + i, dir.resolve("node" + i), "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--repl-diskless-sync-delay", "0",
                        "--cluster-node-timeout", Long.toString(NODE_TIMEOUT.toMillis())));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            cluster.cli(base, create.toArray(String[]::new));
            Await.until("the cluster healthy, each master with a replica in sync", CLI_TIMEOUT,
                    () -> cluster.healthy() && cluster.replicasInSync());
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** One node's address, for Redisson to find the others from. */
    String address() {
        return nodes.getFirst().address();
    }

    /** The live nodes that are masters now. */
    List<RedisProcess> masters() throws IOException, InterruptedException {
        List<RedisProcess> masters = new ArrayList<>();
        for (RedisProcess node : nodes) {
            if (RedisProcess.answersPing(node.port(), Duration.ofMillis(500))
                    && cli(node.port(), "role").startsWith("master")) {
                masters.add(node);
            }
        }
        return masters;
    }

    /** Whether three live masters serve all slots again, none of them {@code lost}. */
    boolean failedOver(RedisProcess lost) {
        try {
            List<RedisProcess> masters = masters();
            return masters.size() == 3 && !masters.contains(lost) && healthy();
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Whether every live node sees cluster_state:ok. */
    boolean healthy() {
        try {
            for (RedisProcess node : nodes) {
                if (RedisProcess.answersPing(node.port(), Duration.ofMillis(500))
                        && !cli(node.port(), "cluster", "info").contains("cluster_state:ok")) {
                    return false;
                }
            }
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private boolean replicasInSync() {
        try {
            int inSync = 0;
            for (RedisProcess node : nodes) {
                if (cli(node.port(), "info", "replication").contains("master_link_status:up")) {
                    inSync++;
                }
            }
            return inSync == NODES / 2;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (RedisProcess node : nodes) {
            node.close();
        }
    }

    private String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = cli.getInputStream().readAllBytes();
        if (!cli.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || cli.exitValue() != 0) {
            cli.destroyForcibly();
            throw new IOException("redis-cli " + String.join(" ", args) + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    /** A first port such that the six node ports and their bus ports are all free now. */
    private static int freeBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (allFree(base)) {
                return base;
            }
        }
        throw new IOException("no free ports for a cluster between 20000 and 40000 (nodes below 30000, buses 10000 above)");
    }

    private static boolean allFree(int base) {
        for (int i = 0; i < NODES; i++) {
            for (int port : new int[] {base + i, base + i + BUS_OFFSET}) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress("127.0.0.1", port));
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
