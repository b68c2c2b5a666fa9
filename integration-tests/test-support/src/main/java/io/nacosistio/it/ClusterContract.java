package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.google.protobuf.Any;
import io.nacosistio.it.IstiodLikeClient.Received;
import io.nacosistio.it.istiod.Istiod;
import io.nacosistio.it.istiod.IstiodBinary;
import io.nacosistio.it.istiod.IstiodConfig;
import io.nacosistio.it.istiod.IstiodOptions;
import io.nacosistio.quickstart.TcpBalancer;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;
import istio.networking.v1alpha3.WorkloadEntryOuterClass.WorkloadEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin in a real Nacos cluster ({@link NacosCluster}: three members, each in a JVM of its own), judged by
 * what each member serves over MCP (an {@link IstiodLikeClient} per member) and by real istiods' own
 * {@code /debug/configz}. Changes come from the real Nacos clients, each connected to one member.
 *
 * <p>Member 0 is "A", member 1 "B", member 2 "C". The test command runs the smoke: cross-member delivery, a
 * mixed workload after which the three serve byte-identical sets, ephemeral and persistent instances, a client
 * disconnect, and one member stopped and started again with two istiods connected (one through a load-balanced
 * address, one straight to the member that restarts) while clients keep changing the registry. The rolling
 * restart of all three members under churn runs with {@code -De2e.cluster.rolling=true} (the matrix command).
 *
 * <p>Each Nacos version has a subclass; it names its own member-list path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ClusterContract implements NacosLauncher.Provider {

    /** The README's bound for a change to reach istiod; it holds for a change made through another member. */
    public static final long CROSS_MEMBER_BOUND_MILLIS = 2_000;
    private static final long CONVERGE_MILLIS = 60_000;
    /**
     * Nacos's {@code nacos.naming.client.expired.time} (3 min by default): a client that was connected to a member
     * that went away stays on the other members, with the instances it published then, until no member has
     * renewed it for this long; its application has meanwhile registered them again through another member.
     */
    private static final long STALE_CLIENT_EXPIRY_MILLIS = 180_000;
    private static final long MONITOR_POLL_MILLIS = 300;
    private static final String SE = IstiodLikeClient.SERVICE_ENTRY_V1;
    private static final String VS = "networking.istio.io/v1/VirtualService";
    private static final String ISTIO_GROUP = "istio";
    private static final List<String> TYPES = IstiodLikeClient.ISTIO_124_TYPES;

    private NacosCluster cluster;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final List<Long> crossMemberMillis = Collections.synchronizedList(new ArrayList<>());

    /** This Nacos version's HTTP path listing the cluster members and their states. */
    protected abstract String clusterMembersPath();

    /** This Nacos version, for the result lines, e.g. {@code 3.1}. */
    protected abstract String nacosVersion();

    /** Properties this Nacos version needs in a cluster, beyond {@link NacosCluster#properties}'s. */
    protected Map<String, String> clusterProperties() {
        return Map.of();
    }

    @BeforeAll
    void startCluster() throws Exception {
        long started = System.nanoTime();
        cluster = NacosCluster.start(getClass(), "cluster-" + nacosVersion(), clusterMembersPath(), 3, clusterProperties());
        System.out.printf("CLUSTER-BOOT nacos=%s members=3 formed_ms=%d%n", nacosVersion(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Every client, istiod, balancer and background task a test started, in reverse order. */
    @AfterEach
    void closeWhatTheTestStarted() {
        List<AutoCloseable> toClose = new ArrayList<>(closeables);
        closeables.clear();
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                // the rest still has to be closed
            }
        }
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests

    @Test
    @Order(1)
    void aRegistrationThroughOneMemberIsServedByTheOthersWithinTwoSeconds() throws Exception {
        List<IstiodLikeClient> mcp = mcpClients();
        List<NamingService> naming = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            naming.add(naming(m));
        }
        // The first change through each member after the boot loads the classes of Distro's sync and of the
        // plugin's push path: delivered like the others, reported apart from the steady-state figure.
        List<Long> firstMillis = new ArrayList<>();
        for (int round = 0; round < 12; round++) {
            int origin = round % 3;
            String service = "x-cross-" + round;
            String ip = "10.120.0." + (round + 1);
            long before = System.nanoTime();
            naming.get(origin).registerInstance(service, instance(ip, 8080, 1, Map.of()));
            for (int m = 0; m < 3; m++) {
                if (m == origin) {
                    continue;
                }
                IstiodLikeClient client = mcp.get(m);
                client.awaitServiceEntry(host(service), se -> hasEndpoint(se, ip), 10_000);
                long seen = firstReceived(client, SE, before, r -> IstiodLikeClient.serviceEntryFor(r, host(service))
                        .filter(se -> hasEndpoint(se, ip)).isPresent());
                (round < 3 ? firstMillis : crossMemberMillis).add(TimeUnit.NANOSECONDS.toMillis(seen - before));
            }
        }
        System.out.printf("CLUSTER-CROSS-FIRST nacos=%s first registration through each member after the boot ->"
                + " served by the others (ms): %s%n", nacosVersion(), firstMillis);
        List<Long> sorted = sorted(crossMemberMillis);
        System.out.printf("CLUSTER-CROSS nacos=%s registration through one member -> served by each other member"
                + " (ms, %d deliveries): p50=%d max=%d all=%s%n", nacosVersion(), sorted.size(), percentile(sorted, 50),
                sorted.get(sorted.size() - 1), sorted);
        // Nacos's Distro sends a change to the other members 1 s after it (its default delay), so the bound leaves
        // the plugin and the machine under a second; with three members booted on two cores a delivery now and then
        // waits for CPU past it. The median must meet the bound; every delivery must come within twice the bound,
        // which a change that missed Distro's sync (caught only by its 5 s verification) would not.
        assertThat(percentile(sorted, 50)).isLessThanOrEqualTo(CROSS_MEMBER_BOUND_MILLIS);
        assertThat(sorted.get(sorted.size() - 1)).isLessThanOrEqualTo(2 * CROSS_MEMBER_BOUND_MILLIS);
        awaitIdentical(mcp, r -> true, CONVERGE_MILLIS);
    }

    @Test
    @Order(2)
    void afterAMixedWorkloadThroughAllMembersTheyServeByteIdenticalSetsAndVersions() throws Exception {
        List<IstiodLikeClient> mcp = mcpClients();
        Workload workload = new Workload(this, 4, "x-mix-", "10.121", 7);
        long started = System.nanoTime();
        int changes = workload.run(300);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        long last = System.nanoTime();
        Map<String, Received> agreed = awaitIdentical(mcp, r -> workload.matches(r), CONVERGE_MILLIS);
        long convergedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last);
        System.out.printf("CLUSTER-MIXED nacos=%s changes=%d (through all three members in %d ms) services=%d"
                + " documents=%d converged_after_last_change_ms=%d%n", nacosVersion(), changes, tookMillis,
                workload.expectedServices().size(), workload.expectedDocuments().size(), convergedMillis);
        assertThat(workload.matches(agreed.get(SE))).isTrue();
        assertThat(names(agreed.get(VS))).containsAll(workload.expectedDocuments());
        workload.close();
    }

    @Test
    @Order(3)
    void ephemeralAndPersistentInstancesReachEveryMemberAndADisconnectAtARemovesOnlyTheEphemeralOnes() throws Exception {
        List<IstiodLikeClient> mcp = mcpClients();
        NamingService atA = naming(0);
        atA.registerInstance("x-distro", instance("10.122.0.1", 8080, 1, Map.of()));
        Instance persistent = instance("10.122.1.1", 9090, 2, Map.of("kind", "persistent"));
        persistent.setEphemeral(false);
        atA.registerInstance("x-raft", persistent);
        for (IstiodLikeClient client : mcp) {
            client.awaitServiceEntry(host("x-distro"), se -> hasEndpoint(se, "10.122.0.1"), 10_000);
            client.awaitServiceEntry(host("x-raft"), se -> hasEndpoint(se, "10.122.1.1"), 10_000);
        }
        // The client at A goes away: Distro removes its ephemeral instance on every member; the persistent one
        // is data in JRaft and stays until it is deregistered.
        long disconnected = System.nanoTime();
        atA.shutDown();
        for (IstiodLikeClient client : mcp) {
            client.awaitServiceEntry(host("x-distro"), se -> !hasEndpoint(se, "10.122.0.1"), 15_000);
        }
        long removedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - disconnected);
        Map<String, Received> agreed = awaitIdentical(mcp, r -> IstiodLikeClient.serviceEntryFor(r, host("x-raft"))
                .filter(se -> hasEndpoint(se, "10.122.1.1")).isPresent()
                && IstiodLikeClient.serviceEntryFor(r, host("x-distro")).filter(se -> se.getEndpointsCount() == 0)
                        .isPresent(), CONVERGE_MILLIS);
        assertThat(IstiodLikeClient.serviceEntryFor(agreed.get(SE), host("x-raft")).orElseThrow().getEndpoints(0)
                .getWeight()).isEqualTo(200);
        System.out.printf("CLUSTER-DISCONNECT nacos=%s client at A shut down -> its ephemeral endpoint gone on all"
                + " three members in %d ms; the persistent one stays%n", nacosVersion(), removedMillis);

        NamingService atC = naming(2);
        atC.deregisterInstance("x-raft", persistent);
        awaitIdentical(mcp, r -> IstiodLikeClient.serviceEntryFor(r, host("x-raft"))
                .filter(se -> hasEndpoint(se, "10.122.1.1")).isEmpty(), CONVERGE_MILLIS);
    }

    /**
     * One member (A) stopped and started again on the same ports and data while Nacos clients at B and C keep
     * changing the registry, with two real istiods: one configured with a load-balanced address in front of all
     * three members (as operators run it: a Kubernetes Service or a TCP load balancer), which moves from A to B
     * when A stops, and one configured with A's address alone, which reconnects to A when it is back. Both
     * istiods' configz are read every few hundred milliseconds throughout: no ServiceEntry of a service that
     * exists may ever be missing, and the moving istiod keeps every stable entry's resourceVersion.
     */
    @Test
    @Order(4)
    void aMemberRestartsUnderChurnAndNoIstiodEverLosesAServiceEntry() throws Exception {
        IstiodBinary binary = IstiodBinary.selected();
        Stable stable = Stable.register(this, List.of(1, 2), 12, "x-stable-", "10.123");
        List<IstiodLikeClient> mcp = mcpClients();
        awaitIdentical(mcp, stable::servedIn, CONVERGE_MILLIS);

        TcpBalancer balancer = closing(TcpBalancer.start(cluster.members().stream().map(NacosCluster.Member::mcpPort)
                .toList()));
        Istiod balanced = closing(Istiod.start(binary, IstiodOptions.mcp("cluster-" + nacosVersion() + "-balanced",
                balancer.port())));
        Istiod pinned = closing(Istiod.start(binary, IstiodOptions.mcp("cluster-" + nacosVersion() + "-pinned-a",
                cluster.member(0).mcpPort())));
        balanced.awaitSynced();
        pinned.awaitSynced();
        for (Istiod istiod : List.of(balanced, pinned)) {
            istiod.awaitConfigs("ServiceEntry", s -> stable.allIn(s.configs()), 10_000, "every stable service");
        }
        assertThat(cluster.member(0).mcpPort()).as("the balancer sent istiod to A first").isEqualTo(balancer.lastBackend());

        Churn churn = closing(new Churn(this, List.of(1, 2), "x-churn-", "10.124"));
        Monitor monitor = closing(new Monitor(stable, Map.of("balanced", balanced, "pinned-a", pinned)));
        churn.start();
        monitor.start();
        monitor.awaitPolls(3, 10_000);

        long stopping = System.nanoTime();
        cluster.stop(0);
        long stopped = System.nanoTime();
        awaitCondition(() -> balancer.lastBackend() == cluster.member(1).mcpPort(), 60_000,
                () -> "the balanced istiod reconnects through B; routed: " + balancer.routed());
        // From the SIGTERM: istiod's stream closes while A shuts down, before A's process has exited.
        long movedMillis = TimeUnit.NANOSECONDS.toMillis(balancer.routed().get(balancer.routed().size() - 1).nanoTime()
                - stopping);
        monitor.awaitPolls(5, 10_000);

        ChildNacos back = cluster.start(0);
        long up = System.nanoTime();
        cluster.awaitFormed(60_000);
        churn.stop();
        List<IstiodLikeClient> after = mcpClients();
        Map<String, Received> agreed = awaitAgreedWithEndpoints(after, r -> churn.matches(r) && stable.servedIn(r),
                CONVERGE_MILLIS);
        long membersAgreeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up);
        Map<String, String> expected = versionsWithEndpoints(agreed.get(SE));
        Set<String> served = servedByAny(after);
        int emptyNotOnRestarted = served.size() - names(after.get(0).latest(SE).orElseThrow()).size();
        Map<String, Long> convergedMillis = new LinkedHashMap<>();
        awaitEach(Map.of("balanced", balanced, "pinned-a", pinned), c -> istiodHolds(c.configs(), expected, served),
                150_000, "every ServiceEntry with endpoints the members serve, at their versions").forEach((name, seen) ->
                        convergedMillis.put(name, TimeUnit.NANOSECONDS.toMillis(seen.nanoTime() - up)));
        monitor.awaitPolls(3, 10_000);
        monitor.close();

        System.out.printf("CLUSTER-RESTART nacos=%s stop_ms=%d balanced_moved_to_B_ms=%d boot_ms=%d"
                + " members_agree_after_boot_ms=%d istiod_converged_after_boot_ms=%s churn_changes=%d"
                + " churn_failures=%d empty_services_not_on_restarted_member=%d polls=%s lost_service_entries=%d"
                + " lost_documents=%d needless_updates=%d%n",
                nacosVersion(), TimeUnit.NANOSECONDS.toMillis(stopped - stopping), movedMillis, back.bootMillis(),
                membersAgreeMillis, convergedMillis, churn.changes(), churn.failures(), emptyNotOnRestarted,
                monitor.polls(),
                monitor.lostServiceEntries().size(), monitor.lostDocuments().size(), monitor.versionChanges().size());
        assertThat(monitor.lostServiceEntries()).as("ServiceEntries of existing services missing from an istiod")
                .isEmpty();
        assertThat(monitor.lostDocuments()).as("documents missing from an istiod").isEmpty();
        assertThat(monitor.versionChanges()).as("stable ServiceEntries whose resourceVersion changed").isEmpty();
        assertThat(churn.changes()).isGreaterThan(20);
        assertThat(balanced.isAlive()).isTrue();
        assertThat(pinned.isAlive()).isTrue();
        assertThat(pinned.log().streamClosures()).as("the pinned istiod noticed A go").isNotEmpty();
        stable.close();
    }

    /**
     * Every member restarted in turn under continuous churn, with an istiod pinned to each member and one
     * through a load-balanced address: none ever misses a ServiceEntry of an existing service, and all converge
     * after the last restart.
     */
    @Test
    @Order(5)
    @EnabledIfSystemProperty(named = "e2e.cluster.rolling", matches = "true")
    void aRollingRestartOfEveryMemberUnderChurnNeverLosesAServiceEntry() throws Exception {
        IstiodBinary binary = IstiodBinary.selected();
        Stable stable = Stable.register(this, List.of(-1), 20, "x-roll-stable-", "10.125");
        List<IstiodLikeClient> mcp = mcpClients();
        // The earlier restart left services of its own behind that the members may still hold apart for a while
        // (empty ones the restarted member lacks, a moved client's old instances): only this test's are compared.
        awaitAgreedOn(mcp, stable.serviceKeys::contains, stable::servedIn, CONVERGE_MILLIS);
        TcpBalancer balancer = closing(TcpBalancer.start(cluster.members().stream().map(NacosCluster.Member::mcpPort)
                .toList()));
        Map<String, Istiod> istiods = new LinkedHashMap<>();
        istiods.put("balanced", closing(Istiod.start(binary, IstiodOptions.mcp("rolling-" + nacosVersion()
                + "-balanced", balancer.port()))));
        for (int m = 0; m < 3; m++) {
            istiods.put("pinned-" + m, closing(Istiod.start(binary, IstiodOptions.mcp("rolling-" + nacosVersion()
                    + "-pinned-" + m, cluster.member(m).mcpPort()))));
        }
        for (Istiod istiod : istiods.values()) {
            istiod.awaitSynced();
            istiod.awaitConfigs("ServiceEntry", s -> stable.allIn(s.configs()), 10_000, "every stable service");
        }
        Churn churn = closing(new Churn(this, List.of(-1), "x-roll-churn-", "10.126"));
        Monitor monitor = closing(new Monitor(stable, istiods));
        churn.start();
        monitor.start();
        NamingService markers = naming(-1);
        List<String> rounds = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            long stopping = System.nanoTime();
            cluster.stop(m);
            ChildNacos back = cluster.start(m);
            cluster.awaitFormed(120_000);
            long formed = System.nanoTime();
            // The churn goes on: its services differ between members for the second Distro takes to send each change,
            // so the members are compared on the services that do not change.
            awaitAgreedOn(mcpClients(), stable.serviceKeys::contains, stable::servedIn, CONVERGE_MILLIS);
            long agreed = System.nanoTime();
            // A change made once the member is back reaches every istiod, the one connected to it among them.
            String marker = "x-roll-marker-" + m;
            long changed = System.nanoTime();
            markers.registerInstance(marker, instance("10.127.0." + (m + 1), 8080, 1, Map.of()));
            Map<String, Long> reached = new LinkedHashMap<>();
            awaitEach(istiods, c -> keys(c.configs()).contains(key(marker)), 60_000, "the ServiceEntry of " + marker
                    + ", registered after member " + m + " was back").forEach((name, seen) -> reached.put(name,
                            TimeUnit.NANOSECONDS.toMillis(seen.nanoTime() - changed)));
            rounds.add("member " + m + ": down+boot " + TimeUnit.NANOSECONDS.toMillis(formed - stopping) + " ms (boot "
                    + back.bootMillis() + " ms), members agree on the stable services "
                    + TimeUnit.NANOSECONDS.toMillis(agreed - formed) + " ms later, a change after it reached the istiods in "
                    + reached + " ms");
            // Soak a little under churn with every member up before the next one goes.
            monitor.awaitPolls(10, 30_000);
        }
        churn.stop();
        long lastChange = System.nanoTime();
        List<IstiodLikeClient> after = mcpClients();
        // Until then the members differ where a moved client's old instances linger (its earlier weights, an
        // address it has since deregistered): what each member holds, which the plugin serves as it is.
        Map<String, Received> agreed = awaitAgreedWithEndpoints(after, r -> churn.matches(r) && stable.servedIn(r),
                STALE_CLIENT_EXPIRY_MILLIS + CONVERGE_MILLIS);
        long membersAgreeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastChange);
        Map<String, String> expected = versionsWithEndpoints(agreed.get(SE));
        Set<String> served = servedByAny(after);
        Map<String, Long> convergedMillis = new LinkedHashMap<>();
        awaitEach(istiods, c -> istiodHolds(c.configs(), expected, served), 150_000,
                "every ServiceEntry with endpoints the members serve, at their versions").forEach((name, seen) ->
                        convergedMillis.put(name, TimeUnit.NANOSECONDS.toMillis(seen.nanoTime() - lastChange)));
        monitor.close();
        System.out.printf("CLUSTER-ROLLING nacos=%s rounds=%s members_agree_after_last_change_ms=%d"
                + " istiod_converged_after_last_change_ms=%s churn_changes=%d churn_failures=%d polls=%s"
                + " lost_service_entries=%d lost_documents=%d%n",
                nacosVersion(), rounds, membersAgreeMillis, convergedMillis, churn.changes(), churn.failures(),
                monitor.polls(),
                monitor.lostServiceEntries().size(), monitor.lostDocuments().size());
        assertThat(monitor.lostServiceEntries()).isEmpty();
        assertThat(monitor.lostDocuments()).isEmpty();
        for (Istiod istiod : istiods.values()) {
            assertThat(istiod.isAlive()).isTrue();
        }
        stable.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Clients

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** One istiod-like client per member, each subscribed to every kind and answered for all of them. */
    private List<IstiodLikeClient> mcpClients() throws InterruptedException {
        List<IstiodLikeClient> clients = new ArrayList<>();
        for (NacosCluster.Member member : cluster.members()) {
            IstiodLikeClient client = IstiodLikeClient.connect("127.0.0.1", member.mcpPort(), 0).subscribe(TYPES);
            closeables.add(client);
            clients.add(client);
        }
        for (IstiodLikeClient client : clients) {
            client.awaitAll(TYPES, 30_000);
        }
        return clients;
    }

    /** A naming client of member {@code index}, or of every member for -1 (it picks one and fails over). */
    NamingService naming(int index) throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, index < 0 ? cluster.serverAddr() : cluster.member(index).address());
        // The client's 3 s default is short for a member that is busy with its peers' boot on a loaded machine.
        props.put("namingRequestTimeout", "10000");
        NamingService naming = NamingFactory.createNamingService(props);
        closeables.add(naming::shutDown);
        return naming;
    }

    ConfigService config(int index) throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, index < 0 ? cluster.serverAddr() : cluster.member(index).address());
        ConfigService config = ConfigFactory.createConfigService(props);
        closeables.add(config::shutDown);
        return config;
    }

    static String host(String service) {
        return service + ".default-group.public.nacos";
    }

    static String key(String service) {
        return "public/" + service + ".default-group";
    }

    static boolean hasEndpoint(ServiceEntry se, String ip) {
        return se.getEndpointsList().stream().anyMatch(e -> e.getAddress().equals(ip));
    }

    static String virtualService(String name, String service, int timeoutSeconds) {
        return "apiVersion: networking.istio.io/v1\n"
                + "kind: VirtualService\n"
                + "metadata: {name: " + name + "}\n"
                + "spec:\n"
                + "  hosts: [" + host(service) + "]\n"
                + "  http:\n"
                + "  - timeout: " + timeoutSeconds + "s\n"
                + "    route: [{destination: {host: " + host(service) + "}}]\n";
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the members serve

    /**
     * Waits until every client's latest answer for every kind has the same version and the same bytes, and the
     * ServiceEntry answer satisfies {@code condition}; returns that agreed state by type. Fails with the
     * differences.
     */
    static Map<String, Received> awaitIdentical(List<IstiodLikeClient> clients, Predicate<Received> condition,
            long timeoutMillis) throws InterruptedException {
        return awaitAgreement(clients, condition, null, timeoutMillis);
    }

    /**
     * As {@link #awaitIdentical}, except that ServiceEntries without endpoints are left out of the comparison: a
     * restarted member does not have the services that no longer have an instance (Distro replicates clients and
     * their instances, not empty services), which the other members keep until Nacos's empty-service cleaner
     * removes them. Every ServiceEntry with endpoints must be the same bytes on every member.
     */
    static Map<String, Received> awaitAgreedWithEndpoints(List<IstiodLikeClient> clients, Predicate<Received> condition,
            long timeoutMillis) throws InterruptedException {
        return awaitAgreement(clients, condition, name -> true, timeoutMillis);
    }

    /**
     * As {@link #awaitAgreedWithEndpoints}, comparing only the ServiceEntries {@code compared} accepts (by resource
     * name): while clients keep changing other services, the members hold each change at their own moment (Distro
     * sends it a second later), and only the services that do not change can be compared.
     */
    static Map<String, Received> awaitAgreedOn(List<IstiodLikeClient> clients, Predicate<String> compared,
            Predicate<Received> condition, long timeoutMillis) throws InterruptedException {
        return awaitAgreement(clients, condition, compared, timeoutMillis);
    }

    /** {@code compared}: null compares every kind byte for byte; otherwise only these ServiceEntries with endpoints. */
    private static Map<String, Received> awaitAgreement(List<IstiodLikeClient> clients, Predicate<Received> condition,
            Predicate<String> compared, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String difference;
        do {
            difference = difference(clients, condition, compared);
            if (difference == null) {
                Map<String, Received> agreed = new LinkedHashMap<>();
                for (String type : TYPES) {
                    agreed.put(type, clients.get(0).latest(type).orElseThrow());
                }
                return agreed;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the members do not serve identical sets within " + timeoutMillis + " ms: "
                + difference);
    }

    private static String difference(List<IstiodLikeClient> clients, Predicate<Received> condition,
            Predicate<String> compared) {
        for (String type : TYPES) {
            Received first = clients.get(0).latest(type).orElse(null);
            if (first == null) {
                return "member 0 has not answered " + type;
            }
            for (int m = 1; m < clients.size(); m++) {
                Received other = clients.get(m).latest(type).orElse(null);
                if (other == null) {
                    return "member " + m + " has not answered " + type;
                }
                if (compared != null && type.equals(SE)) {
                    Map<String, com.google.protobuf.ByteString> a = withEndpoints(first);
                    Map<String, com.google.protobuf.ByteString> b = withEndpoints(other);
                    a.keySet().removeIf(compared.negate());
                    b.keySet().removeIf(compared.negate());
                    if (!a.equals(b)) {
                        Set<String> differing = new TreeSet<>(a.keySet());
                        differing.addAll(b.keySet());
                        differing.removeIf(n -> Objects.equals(a.get(n), b.get(n)));
                        Received otherSet = other;
                        return type + ": ServiceEntries with endpoints differ between members 0 and " + m + ": "
                                + differing.stream().limit(5).map(n -> n + " " + endpoints(first, n) + " vs "
                                        + endpoints(otherSet, n)).toList();
                    }
                    continue;
                }
                if (!first.version().equals(other.version())) {
                    return type + ": member 0 serves version " + first.version() + " with " + names(first)
                            + ", member " + m + " version " + other.version() + " with " + names(other)
                            + describeDifference(first, other);
                }
                if (!bytes(first).equals(bytes(other))) {
                    return type + ": same version " + first.version() + " but different bytes on members 0 and " + m
                            + describeDifference(first, other);
                }
            }
        }
        Received se = clients.get(0).latest(SE).orElseThrow();
        return condition.test(se) ? null : "the agreed ServiceEntry set does not hold the expected state yet: "
                + names(se);
    }

    /** A ServiceEntry's endpoints as address=weight, sorted, or "none" if the set does not hold it. */
    private static String endpoints(Received se, String name) {
        ServiceEntry entry = IstiodLikeClient.serviceEntries(se).get(name);
        return entry == null ? "none" : entry.getEndpointsList().stream().map(w -> w.getAddress() + "=" + w.getWeight())
                .sorted().toList().toString();
    }

    /** The ServiceEntries that have endpoints, by name, as the bytes of their MCP resource. */
    static Map<String, com.google.protobuf.ByteString> withEndpoints(Received se) {
        Map<String, ServiceEntry> entries = IstiodLikeClient.serviceEntries(se);
        Map<String, com.google.protobuf.ByteString> result = new TreeMap<>();
        for (var r : se.resources()) {
            if (entries.get(r.getMetadata().getName()).getEndpointsCount() > 0) {
                result.put(r.getMetadata().getName(), r.toByteString());
            }
        }
        return result;
    }

    /** The resource versions of the ServiceEntries that have endpoints, by name. */
    static Map<String, String> versionsWithEndpoints(Received se) {
        Map<String, ServiceEntry> entries = IstiodLikeClient.serviceEntries(se);
        Map<String, String> result = new TreeMap<>();
        for (var r : se.resources()) {
            if (entries.get(r.getMetadata().getName()).getEndpointsCount() > 0) {
                result.put(r.getMetadata().getName(), r.getMetadata().getVersion());
            }
        }
        return result;
    }

    /**
     * istiod holds every ServiceEntry with endpoints that the members serve, at the members' version, and none that
     * no member serves.
     */
    static boolean istiodHolds(List<IstiodConfig> serviceEntries, Map<String, String> withEndpoints, Set<String> served) {
        Map<String, String> held = new HashMap<>();
        serviceEntries.forEach(c -> held.put(c.key(), c.resourceVersion()));
        return withEndpoints.entrySet().stream().allMatch(e -> e.getValue().equals(held.get(e.getKey())))
                && served.containsAll(held.keySet());
    }

    /** Every ServiceEntry name some member serves. */
    static Set<String> servedByAny(List<IstiodLikeClient> clients) {
        Set<String> names = new TreeSet<>();
        clients.forEach(c -> c.latest(SE).ifPresent(r -> names.addAll(names(r))));
        return names;
    }

    private static String describeDifference(Received a, Received b) {
        Map<String, String> va = versions(a);
        Map<String, String> vb = versions(b);
        Set<String> all = new TreeSet<>(va.keySet());
        all.addAll(vb.keySet());
        List<String> differing = all.stream().filter(n -> !Objects.equals(va.get(n), vb.get(n)))
                .map(n -> n + " " + va.get(n) + " vs " + vb.get(n)).limit(10).toList();
        String detail = "";
        for (var ra : a.resources()) {
            var rb = IstiodLikeClient.resource(b, ra.getMetadata().getName()).orElse(null);
            if (rb != null && !ra.toByteString().equals(rb.toByteString())) {
                detail = "; first resource differing in bytes: " + ra.getMetadata() + " body "
                        + (ra.getBody().equals(rb.getBody()) ? "same" : "differs") + " vs " + rb.getMetadata();
                break;
            }
        }
        return "; resources differing (name version vs version): " + differing + detail;
    }

    private static Map<String, String> versions(Received r) {
        Map<String, String> versions = new TreeMap<>();
        r.resources().forEach(x -> versions.put(x.getMetadata().getName(), x.getMetadata().getVersion()));
        return versions;
    }

    private static List<com.google.protobuf.ByteString> bytes(Received r) {
        return r.raw().stream().map(Any::toByteString).toList();
    }

    static List<String> names(Received r) {
        return r == null ? List.of() : r.resources().stream().map(x -> x.getMetadata().getName()).toList();
    }

    static Set<String> keys(List<IstiodConfig> configs) {
        return configs.stream().map(IstiodConfig::key).collect(Collectors.toCollection(TreeSet::new));
    }

    /** When the client first received a state of the type, after {@code since}, that satisfies the predicate. */
    private static long firstReceived(IstiodLikeClient client, String type, long since, Predicate<Received> condition) {
        return client.history().stream().filter(r -> r.typeUrl().equals(type) && r.nanoTime() >= since)
                .filter(condition).mapToLong(Received::nanoTime).min()
                .orElseThrow(() -> new AssertionError("no matching " + type + " received"));
    }

    private static List<Long> sorted(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * Waits on every istiod at once, each polled on a thread of its own, until its ServiceEntries satisfy
     * {@code condition}; returns when each first did. Fails with the first istiod that did not.
     */
    private static Map<String, Istiod.Seen> awaitEach(Map<String, Istiod> istiods, Predicate<Istiod.Seen> condition,
            long timeoutMillis, String what) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(istiods.size());
        try {
            Map<String, Future<Istiod.Seen>> waits = new LinkedHashMap<>();
            istiods.forEach((name, istiod) -> waits.put(name, pool.submit(() -> istiod.awaitConfigs("ServiceEntry",
                    condition, timeoutMillis, what))));
            Map<String, Istiod.Seen> seen = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Istiod.Seen>> w : waits.entrySet()) {
                try {
                    seen.put(w.getKey(), w.getValue().get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return seen;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, long timeoutMillis,
            java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeoutMillis + " ms: " + what.get());
            }
            Thread.sleep(50);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Workloads

    /**
     * A seeded mix of registrations, re-registrations with another weight or metadata, deregistrations and
     * Istio documents published and removed, spread over naming and config clients of every member, with the
     * state it must lead to. Each naming client holds at most one instance per service (Nacos's rule for a
     * client), so an instance is (client, service).
     */
    static final class Workload implements AutoCloseable {
        private final List<NamingService> naming = new ArrayList<>();
        private final List<ConfigService> config = new ArrayList<>();
        private final String prefix;
        private final String net;
        private final Random random;
        private final int services = 15;
        /** service -> ip -> weight*100 of what must be registered. */
        private final Map<String, Map<String, Integer>> expected = new TreeMap<>();
        private final Map<String, Integer> documents = new TreeMap<>();

        Workload(ClusterContract contract, int clientsPerMember, String prefix, String net, long seed) throws Exception {
            for (int m = 0; m < 3; m++) {
                for (int c = 0; c < clientsPerMember; c++) {
                    naming.add(contract.naming(m));
                }
                config.add(contract.config(m));
            }
            this.prefix = prefix;
            this.net = net;
            this.random = new Random(seed);
        }

        int run(int changes) throws Exception {
            for (int i = 0; i < changes; i++) {
                int roll = random.nextInt(100);
                if (roll < 80) {
                    int c = random.nextInt(naming.size());
                    String service = prefix + random.nextInt(services);
                    String ip = net + "." + c + "." + (Math.abs(service.hashCode()) % 250 + 1);
                    boolean registered = expected.getOrDefault(service, Map.of()).containsKey(ip);
                    if (registered && roll < 25) {
                        naming.get(c).deregisterInstance(service, ip, 8080);
                        expected.get(service).remove(ip);
                    } else {
                        int weight = 1 + random.nextInt(5);
                        naming.get(c).registerInstance(service, instance(ip, 8080, weight,
                                Map.of("version", "v" + random.nextInt(3), "change", Integer.toString(i))));
                        expected.computeIfAbsent(service, k -> new TreeMap<>()).put(ip, weight * 100);
                    }
                } else {
                    ConfigService through = config.get(random.nextInt(config.size()));
                    String name = prefix + "vs-" + random.nextInt(6);
                    if (documents.containsKey(name) && roll >= 95) {
                        assertThat(through.removeConfig(name + ".yaml", ISTIO_GROUP)).isTrue();
                        documents.remove(name);
                    } else {
                        int timeout = 1 + random.nextInt(30);
                        assertThat(through.publishConfig(name + ".yaml", ISTIO_GROUP,
                                virtualService(name, prefix + random.nextInt(services), timeout))).isTrue();
                        documents.put(name, timeout);
                    }
                }
            }
            return changes;
        }

        Set<String> expectedServices() {
            return expected.keySet();
        }

        Set<String> expectedDocuments() {
            return documents.keySet().stream().map(n -> "public/" + n).collect(Collectors.toCollection(TreeSet::new));
        }

        /** The ServiceEntry set holds every service of the workload with exactly its endpoints and weights. */
        boolean matches(Received se) {
            for (Map.Entry<String, Map<String, Integer>> e : expected.entrySet()) {
                Optional<ServiceEntry> entry = IstiodLikeClient.serviceEntryFor(se, host(e.getKey()));
                if (entry.isEmpty()) {
                    return false;
                }
                Map<String, Integer> served = new TreeMap<>();
                for (WorkloadEntry w : entry.get().getEndpointsList()) {
                    served.put(w.getAddress(), w.getWeight());
                }
                if (!served.equals(e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            // The clients belong to the contract, which shuts them down at the end.
        }
    }

    /**
     * Services that exist throughout a test, registered by naming clients of the given members (-1: clients
     * of every member, which fail over), one of them persistent, and two Istio documents.
     */
    static final class Stable implements AutoCloseable {
        final Set<String> serviceKeys = new TreeSet<>();
        final Set<String> hosts = new TreeSet<>();
        final Set<String> documentKeys = new TreeSet<>();

        static Stable register(ClusterContract contract, List<Integer> members, int count, String prefix, String net)
                throws Exception {
            Stable stable = new Stable();
            List<NamingService> clients = new ArrayList<>();
            for (int m : members) {
                clients.add(contract.naming(m));
            }
            for (int i = 0; i < count; i++) {
                String service = prefix + i;
                NamingService through = clients.get(i % clients.size());
                Instance instance = instance(net + ".0." + (i + 1), 8080, 1, Map.of("role", "stable"));
                if (i == 0) {
                    instance.setEphemeral(false);
                }
                through.registerInstance(service, instance);
                stable.serviceKeys.add(key(service));
                stable.hosts.add(host(service));
            }
            ConfigService config = contract.config(members.get(members.size() - 1));
            for (int i = 0; i < 2; i++) {
                String name = prefix + "vs-" + i;
                assertThat(config.publishConfig(name + ".yaml", ISTIO_GROUP, virtualService(name, prefix + i, 5)))
                        .isTrue();
                stable.documentKeys.add("public/" + name);
            }
            return stable;
        }

        boolean servedIn(Received se) {
            return hosts.stream().allMatch(h -> IstiodLikeClient.serviceEntryFor(se, h)
                    .filter(e -> e.getEndpointsCount() > 0).isPresent());
        }

        boolean allIn(List<IstiodConfig> serviceEntries) {
            return keys(serviceEntries).containsAll(serviceKeys);
        }

        @Override
        public void close() {
            // The clients belong to the contract.
        }
    }

    /**
     * Continuous changes from Nacos clients of the given members (-1: clients of every member): services of
     * its own registered, changed and deregistered a few times a second, with the state they must lead to.
     */
    static final class Churn implements AutoCloseable {
        private final List<NamingService> clients = new ArrayList<>();
        private final String prefix;
        private final String net;
        private final Map<String, Map<String, Integer>> expected = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger changes = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private Thread thread;

        Churn(ClusterContract contract, List<Integer> members, String prefix, String net) throws Exception {
            for (int m : members) {
                clients.add(contract.naming(m));
                clients.add(contract.naming(m));
            }
            this.prefix = prefix;
            this.net = net;
        }

        void start() {
            running.set(true);
            thread = new Thread(this::loop, "cluster-churn");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            Random random = new Random(11);
            int i = 0;
            while (running.get()) {
                int c = random.nextInt(clients.size());
                String service = prefix + random.nextInt(8);
                String ip = net + "." + c + "." + (Math.abs(service.hashCode()) % 250 + 1);
                try {
                    Map<String, Integer> endpoints = expected.computeIfAbsent(service, k -> new ConcurrentHashMap<>());
                    if (endpoints.containsKey(ip) && random.nextBoolean()) {
                        clients.get(c).deregisterInstance(service, ip, 8080);
                        endpoints.remove(ip);
                    } else {
                        int weight = 1 + random.nextInt(4);
                        clients.get(c).registerInstance(service, instance(ip, 8080, weight,
                                Map.of("change", Integer.toString(i))));
                        endpoints.put(ip, weight * 100);
                    }
                    changes.incrementAndGet();
                } catch (Exception e) {
                    // A member going away fails the call in flight; the client's own retry registers it again.
                    failures.incrementAndGet();
                }
                i++;
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(30_000);
            }
        }

        int changes() {
            return changes.get();
        }

        int failures() {
            return failures.get();
        }

        /** Every churn service that has an instance is served with exactly the registered endpoints. */
        boolean matches(Received se) {
            for (Map.Entry<String, Map<String, Integer>> e : expected.entrySet()) {
                Optional<ServiceEntry> entry = IstiodLikeClient.serviceEntryFor(se, host(e.getKey()));
                Map<String, Integer> served = new TreeMap<>();
                entry.ifPresent(s -> s.getEndpointsList().forEach(w -> served.put(w.getAddress(), w.getWeight())));
                if (!served.equals(new TreeMap<>(e.getValue()))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /**
     * Reads istiods' {@code /debug/configz} every {@value #MONITOR_POLL_MILLIS} ms and records every stable
     * ServiceEntry or document missing from one, and every stable ServiceEntry whose resourceVersion differs
     * from the one first seen.
     */
    static final class Monitor implements AutoCloseable {
        private final Stable stable;
        private final Map<String, Istiod> istiods;
        private final Map<String, Map<String, String>> firstVersions = new ConcurrentHashMap<>();
        private final List<String> lostServiceEntries = new CopyOnWriteArrayList<>();
        private final List<String> lostDocuments = new CopyOnWriteArrayList<>();
        private final List<String> versionChanges = new CopyOnWriteArrayList<>();
        private final List<String> readFailures = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private Thread thread;

        Monitor(Stable stable, Map<String, Istiod> istiods) {
            this.stable = stable;
            this.istiods = new LinkedHashMap<>(istiods);
            istiods.keySet().forEach(k -> polls.put(k, new AtomicInteger()));
        }

        void start() {
            running.set(true);
            thread = new Thread(this::loop, "cluster-configz-monitor");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running.get()) {
                for (Map.Entry<String, Istiod> e : istiods.entrySet()) {
                    try {
                        check(e.getKey(), e.getValue().configs());
                        polls.get(e.getKey()).incrementAndGet();
                    } catch (Exception ex) {
                        readFailures.add(e.getKey() + ": " + ex);
                    }
                }
                try {
                    Thread.sleep(MONITOR_POLL_MILLIS);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }

        private void check(String name, List<IstiodConfig> configs) {
            long at = System.currentTimeMillis();
            Map<String, String> versions = new HashMap<>();
            Set<String> documents = new LinkedHashSet<>();
            for (IstiodConfig c : configs) {
                if (c.kind().equals("ServiceEntry")) {
                    versions.put(c.key(), c.resourceVersion());
                } else if (c.kind().equals("VirtualService")) {
                    documents.add(c.key());
                }
            }
            Map<String, String> first = firstVersions.computeIfAbsent(name, k -> new HashMap<>());
            for (String key : stable.serviceKeys) {
                String version = versions.get(key);
                if (version == null) {
                    lostServiceEntries.add(name + " at " + at + ": " + key);
                } else if (first.putIfAbsent(key, version) != null && !first.get(key).equals(version)) {
                    versionChanges.add(name + " at " + at + ": " + key + " " + first.get(key) + " -> " + version);
                    first.put(key, version);
                }
            }
            for (String key : stable.documentKeys) {
                if (!documents.contains(key)) {
                    lostDocuments.add(name + " at " + at + ": " + key);
                }
            }
        }

        void awaitPolls(int more, long timeoutMillis) throws InterruptedException {
            Map<String, Integer> target = new HashMap<>();
            polls.forEach((k, v) -> target.put(k, v.get() + more));
            awaitCondition(() -> target.entrySet().stream().allMatch(t -> polls.get(t.getKey()).get() >= t.getValue()),
                    timeoutMillis, () -> "configz polls " + polls + ", read failures " + readFailures);
        }

        Map<String, Integer> polls() {
            Map<String, Integer> counts = new TreeMap<>();
            polls.forEach((k, v) -> counts.put(k, v.get()));
            return counts;
        }

        List<String> lostServiceEntries() {
            return lostServiceEntries;
        }

        List<String> lostDocuments() {
            return lostDocuments;
        }

        List<String> versionChanges() {
            return versionChanges;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(10_000);
            }
        }
    }
}
