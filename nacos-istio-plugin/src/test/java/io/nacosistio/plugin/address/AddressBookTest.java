package io.nacosistio.plugin.address;

import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressBookTest {

    private static final long HOUR = 3_600_000L;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final InMemorySharedConfig table = new InMemorySharedConfig();
    private final AddressMetrics metrics = new AddressMetrics();

    private AddressBook book(String ipv4Pool, String ipv6Pool) {
        AddressBook book = new AddressBook(new AddressSettings(true, ipv4Pool, ipv6Pool, HOUR, "istio.addresses"),
                table, clock::get, metrics);
        book.load();
        return book;
    }

    private AddressBook book() {
        return book("10.224.0.0/16", "");
    }

    @Test
    void givesEachHostOneIpv4AddressFromThePoolAndKeepsIt() {
        AddressBook book = book();
        Assignment a = book.assign(key("a"), "a.nacos", service("a"));
        assertThat(a.addresses()).hasSize(1);
        assertThat(a.hasProblem()).isFalse();
        assertThat(IpPool.parse("10.224.0.0/16").contains(com.google.common.net.InetAddresses.forString(
                a.addresses().get(0)))).isTrue();
        assertThat(book.commit().changed()).isEmpty();
        assertThat(table.content()).contains(a.addresses().get(0) + " a.nacos");

        int writes = table.writes;
        assertThat(book.assign(key("a"), "a.nacos", service("a"))).isEqualTo(a);
        book.commit();
        assertThat(table.writes).as("an unchanged table is not written again").isEqualTo(writes);
    }

    @Test
    void dualStackGivesOneAddressOfEachFamily() {
        AddressBook book = book("10.224.0.0/16", "fd00:1::/64");
        Assignment a = book.assign(key("a"), "a.nacos", service("a"));
        assertThat(a.addresses()).hasSize(2);
        assertThat(a.addresses().get(0)).contains(".");
        assertThat(a.addresses().get(1)).startsWith("fd00:1::");
    }

    @Test
    void hostsNeverShareAnAddressUntilThePoolIsExhausted() {
        AddressBook book = book("10.224.0.0/28", "");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 14; i++) {
            Assignment a = book.assign(key("s" + i), "s" + i + ".nacos", service("s" + i));
            assertThat(a.hasProblem()).isFalse();
            assertThat(seen.add(a.addresses().get(0))).as("unique").isTrue();
        }
        assertThat(seen).doesNotContain("10.224.0.0", "10.224.0.15");
        Assignment full = book.assign(key("late"), "late.nacos", service("late"));
        assertThat(full.addresses()).isEmpty();
        assertThat(full.problem()).contains("10.224.0.0/28 is exhausted");
        book.commit();
        assertThat(book.view().problems()).containsOnlyKeys(key("late"));
    }

    @Test
    void aFreedAddressIsHeldForItsHostUntilTheHoldTimeEnds() {
        AddressBook book = book("10.224.0.0/30", "");
        String a = book.assign(key("a"), "a.nacos", service("a")).addresses().get(0);
        String b = book.assign(key("b"), "b.nacos", service("b")).addresses().get(0);
        book.commit();
        book.release(key("a"));
        book.commit();
        assertThat(table.content()).contains(a + " a.nacos freed=" + clock.get());

        clock.addAndGet(HOUR - 1);
        Assignment c = book.assign(key("c"), "c.nacos", service("c"));
        assertThat(c.addresses()).as("a's address is on hold").isEmpty();
        book.release(key("c"));

        assertThat(book.assign(key("a"), "a.nacos", service("a")).addresses())
                .as("its own host gets it back").containsExactly(a);
        book.commit();
        book.release(key("a"));
        book.commit();
        clock.addAndGet(HOUR);
        assertThat(book.assign(key("c"), "c.nacos", service("c")).addresses()).containsExactly(a);
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void aRestartedPluginReadsTheSameAddressesFromTheTable() {
        AddressBook first = book("10.224.0.0/16", "fd00:1::/64");
        Map<String, List<String>> before = new java.util.TreeMap<>();
        for (String s : List.of("a", "b", "c")) {
            before.put(s, first.assign(key(s), s + ".nacos", service(s)).addresses());
        }
        first.commit();
        int writes = table.writes;

        AddressBook restarted = book("10.224.0.0/16", "fd00:1::/64");
        for (String s : List.of("c", "a", "b")) {
            assertThat(restarted.assign(key(s), s + ".nacos", service(s)).addresses()).isEqualTo(before.get(s));
        }
        restarted.commit();
        assertThat(table.writes).isEqualTo(writes);
    }

    @Test
    void aNodeThatLosesTheCompareAndSetAdoptsTheWinnersTable() {
        AddressBook node1 = book("10.224.0.0/16", "");
        AddressBook node2 = book("10.224.0.0/16", "");
        Assignment onNode1 = node1.assign(key("x"), "x.nacos", service("x"));
        Assignment onNode2 = node2.assign(key("x"), "x.nacos", service("x"));
        Assignment y = node2.assign(key("y"), "y.nacos", service("y"));
        node2.commit();

        // node1 allocated the same host tentatively: after losing, it serves what node2 committed.
        CommitResult result = node1.commit();
        assertThat(metrics.tableConflicts.get()).isEqualTo(1);
        assertThat(node1.current(key("x")).addresses()).isEqualTo(onNode2.addresses());
        assertThat(onNode1.addresses()).as("same host, same starting point").isEqualTo(onNode2.addresses());
        assertThat(result.retry()).isEmpty();

        Assignment z = node1.assign(key("z"), "z.nacos", service("z"));
        node1.commit();
        node2.assign(key("z"), "z.nacos", service("z"));
        node2.commit();
        assertThat(node2.current(key("z"))).isEqualTo(z);
        assertThat(z.addresses()).doesNotContainAnyElementsOf(y.addresses());
        assertThat(node1.view().committed()).isEqualTo(node2.view().committed());
    }

    @Test
    void aConflictingAllocationMovesToAFreeAddressBeforeAnythingIsServed() {
        AddressBook node1 = book("10.224.0.0/16", "");
        AddressBook node2 = book("10.224.0.0/16", "");
        Assignment mine = node1.assign(key("a"), "a.nacos", service("a"));
        // node2 commits another host on exactly the address node1 picked (as an operator override).
        node2.assign(key("b"), "b.nacos", service("b", Map.of("istio.addresses", mine.addresses().get(0))));
        node2.commit();

        CommitResult result = node1.commit();
        assertThat(result.changed()).containsExactly(key("a"));
        Assignment settled = node1.current(key("a"));
        assertThat(settled.addresses()).hasSize(1).doesNotContainAnyElementsOf(mine.addresses());
        assertThat(table.content()).contains(settled.addresses().get(0) + " a.nacos");
    }

    @Test
    void anOverrideReplacesTheAllocationAndCollisionsAreRefusedWithAReason() {
        AddressBook book = book();
        String allocated = book.assign(key("a"), "a.nacos", service("a")).addresses().get(0);
        Assignment b = book.assign(key("b"), "b.nacos", service("b", Map.of("istio.addresses", " 10.9.0.1, fd00::9 ")));
        assertThat(b.addresses()).containsExactly("10.9.0.1", "fd00::9");
        assertThat(b.hasProblem()).isFalse();

        Assignment stealsAllocated = book.assign(key("c"), "c.nacos",
                service("c", Map.of("istio.addresses", allocated)));
        assertThat(stealsAllocated.addresses()).isEmpty();
        assertThat(stealsAllocated.problem()).contains(allocated + " is already the allocated address of a.nacos");

        Assignment stealsOverride = book.assign(key("d"), "d.nacos",
                service("d", Map.of("istio.addresses", "10.9.0.1")));
        assertThat(stealsOverride.addresses()).isEmpty();
        assertThat(stealsOverride.problem()).contains("10.9.0.1 is already the chosen address of b.nacos");

        Assignment bad = book.assign(key("e"), "e.nacos", service("e", Map.of("istio.addresses", "10.9.0.0/24")));
        assertThat(bad.addresses()).isEmpty();
        assertThat(bad.problem()).contains("'10.9.0.0/24' is not an IP address");
        assertThat(book.assign(key("f"), "f.nacos", service("f", Map.of("istio.addresses", "0.0.0.0"))).problem())
                .contains("unspecified");
        book.commit();
        assertThat(book.view().problems()).containsOnlyKeys(key("c"), key("d"), key("e"), key("f"));
        assertThat(metrics.refusedOverrides.get()).isEqualTo(4);
        assertThat(table.content()).contains("10.9.0.1 b.nacos override");
    }

    @Test
    void anInstanceOverrideCountsWhenTheServiceHasNone() {
        AddressBook book = book();
        RegistryService s = new RegistryService(key("a"), 0, Map.of(), List.of(
                new RegistryInstance("10.0.0.2", 80, 1, true, true, true, "c", Map.of("istio.addresses", "10.9.0.2")),
                new RegistryInstance("10.0.0.1", 80, 1, true, true, true, "c", Map.of("istio.addresses", "10.9.0.1"))));
        assertThat(book.assign(key("a"), "a.nacos", s).addresses()).containsExactly("10.9.0.1");
    }

    @Test
    void removingAnOverrideFallsBackToThePoolAndFreesTheChosenAddress() {
        AddressBook book = book();
        book.assign(key("a"), "a.nacos", service("a", Map.of("istio.addresses", "10.9.0.1")));
        book.commit();
        Assignment pooled = book.assign(key("a"), "a.nacos", service("a"));
        assertThat(pooled.addresses()).hasSize(1).doesNotContain("10.9.0.1");
        book.commit();
        assertThat(table.content()).contains("10.9.0.1 a.nacos override freed=");
        // An operator's explicit choice may take an address on hold, never a live one.
        assertThat(book.assign(key("b"), "b.nacos", service("b", Map.of("istio.addresses", "10.9.0.1"))).addresses())
                .containsExactly("10.9.0.1");
    }

    @Test
    void aFailedWriteServesOnlyCommittedAddressesAndRetries() {
        AddressBook book = book();
        Assignment a = book.assign(key("a"), "a.nacos", service("a"));
        book.commit();
        table.failNextWrites = new IllegalStateException("database down");
        book.assign(key("b"), "b.nacos", service("b"));
        CommitResult result = book.commit();
        assertThat(result.changed()).containsExactly(key("b"));
        assertThat(result.retry()).containsExactly(key("b"));
        assertThat(book.current(key("b")).addresses()).isEmpty();
        assertThat(book.current(key("b")).problem()).contains("database down").contains("retrying");
        assertThat(book.current(key("a"))).isEqualTo(a);
        assertThat(metrics.tableWriteFailures.get()).isEqualTo(1);

        table.failNextWrites = null;
        assertThat(book.assign(key("b"), "b.nacos", service("b")).addresses()).hasSize(1);
        assertThat(book.commit().retry()).isEmpty();
        assertThat(table.content()).contains("b.nacos");
    }

    @Test
    void endlessConflictsGiveUpAfterAFewAttempts() {
        AddressBook book = book();
        AddressBook other = book();
        book.assign(key("a"), "a.nacos", service("a"));
        List<Integer> round = new ArrayList<>();
        Runnable[] interfere = new Runnable[1];
        interfere[0] = () -> {
            round.add(1);
            other.assign(key("o" + round.size()), "o" + round.size() + ".nacos", service("o"));
            other.commit();
            table.beforeWrite = interfere[0];
        };
        table.beforeWrite = interfere[0];
        CommitResult result = book.commit();
        table.beforeWrite = null;
        assertThat(round).hasSize(AddressBook.MAX_COMMIT_ATTEMPTS);
        assertThat(result.retry()).containsExactly(key("a"));
        assertThat(book.current(key("a")).problem()).contains("changed under");
        assertThat(book.assign(key("a"), "a.nacos", service("a")).addresses()).hasSize(1);
        assertThat(book.commit().retry()).isEmpty();
    }

    @Test
    void anUnreadableTableStopsTheStartAndLaterKeepsTheLastGoodOne() {
        table.overwrite("10.224.0.1 a.nacos\nnot an address line\n");
        assertThatThrownBy(this::book).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 2").hasMessageContaining("unreadable");

        table.overwrite(null);
        AddressBook book = book();
        String a = book.assign(key("a"), "a.nacos", service("a")).addresses().get(0);
        book.commit();
        table.overwrite(table.content() + "garbage\n");
        book.reload();
        assertThat(book.current(key("a")).addresses()).containsExactly(a);
        Assignment b = book.assign(key("b"), "b.nacos", service("b"));
        assertThat(b.addresses()).isEmpty();
        assertThat(b.problem()).contains("unreadable");
        assertThat(book.view().status()).contains("unreadable");
    }

    @Test
    void aHostThisNodeServesIsTakenBackWhenAnotherNodeFreedIt() {
        AddressBook node1 = book();
        AddressBook node2 = book();
        String a = node1.assign(key("a"), "a.nacos", service("a")).addresses().get(0);
        node1.commit();
        node2.reload();
        node2.freeUnusedHosts(); // node2 does not (yet) see service a
        node2.commit();
        assertThat(table.content()).contains(a + " a.nacos freed=");

        CommitResult result = node1.reload();
        assertThat(result.changed()).as("the address stays the same").isEmpty();
        assertThat(node1.current(key("a")).addresses()).containsExactly(a);
        assertThat(table.content()).contains(a + " a.nacos\n");
    }

    @Test
    void allocationOffServesOnlyOverridesWithoutTouchingNacos() {
        AddressBook off = new AddressBook(new AddressSettings(false, "10.224.0.0/16", "", HOUR, "istio.addresses"),
                null, clock::get, metrics);
        off.load();
        assertThat(off.assign(key("a"), "a.nacos", service("a"))).isEqualTo(Assignment.none());
        assertThat(off.assign(key("b"), "b.nacos", service("b", Map.of("istio.addresses", "10.9.0.1"))).addresses())
                .containsExactly("10.9.0.1");
        assertThat(off.assign(key("c"), "c.nacos", service("c", Map.of("istio.addresses", "10.9.0.1"))).problem())
                .contains("already");
        off.commit();
        assertThat(off.view().status()).startsWith("off");
    }

    @Test
    void thePoolMustNotOverlapIstiodsOwnRange() {
        assertThatThrownBy(() -> new AddressSettings(true, "240.240.128.0/17", "", HOUR, "istio.addresses"))
                .hasMessageContaining("overlaps istiod's own 240.240.0.0/16");
        assertThatThrownBy(() -> new AddressSettings(true, "240.0.0.0/4", "", HOUR, "istio.addresses"))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> new AddressSettings(true, "fd00::/64", "", HOUR, "istio.addresses"))
                .hasMessageContaining("not an IPv4 block");
        assertThatThrownBy(() -> new AddressSettings(true, "10.224.0.1/16", "", HOUR, "istio.addresses"))
                .hasMessageContaining("host bits");
        assertThatThrownBy(() -> new AddressSettings(true, "10.224.0.0/16", "2001:2::/64", HOUR, "istio.addresses"))
                .hasMessageContaining("overlaps istiod's own 2001:2::/48");
        assertThat(AddressSettings.defaults().ipv4Pool().toString()).isEqualTo("240.241.0.0/16");
    }

    @Test
    void theTableRoundTripsAndRefusesAnAddressListedTwice() {
        AddressTable t = AddressTable.parse("# c\n10.0.0.1 a.nacos\nfd00:0:0::1 b.nacos override freed=5\n");
        assertThat(t.records()).containsKeys("10.0.0.1", "fd00::1");
        assertThat(AddressTable.parse(t.render())).isEqualTo(t);
        assertThatThrownBy(() -> AddressTable.parse("10.0.0.1 a\n10.0.0.1 b\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AddressTable.parse("10.0.0.1 a freed=x\n")).hasMessageContaining("freed=");
    }

    @Test
    void theProbeStepsOverWhatConfigCenterServiceEntriesDeclare() {
        AddressBook book = book("10.224.0.0/28", "");
        // .1-.7 (a block) and .9 are declared: .8 and .10-.14 are left for registry hosts.
        assertThat(book.declare(declared("istio-system/external", List.of("ext.example.com"), "10.224.0.0/29",
                "10.224.0.9")).changed()).isEmpty();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            Assignment a = book.assign(key("s" + i), "s" + i + ".nacos", service("s" + i));
            assertThat(a.hasProblem()).as("%s", a).isFalse();
            assertThat(seen.add(a.addresses().get(0))).as("unique").isTrue();
        }
        assertThat(seen).containsExactlyInAnyOrder("10.224.0.8", "10.224.0.10", "10.224.0.11", "10.224.0.12",
                "10.224.0.13", "10.224.0.14");
        assertThat(book.assign(key("late"), "late.nacos", service("late")).problem()).contains("exhausted");
        assertThat(metrics.declaredAddressesAvoided.get()).isPositive();
        book.commit();
        assertThat(table.content()).doesNotContain("10.224.0.9 ", "10.224.0.1 ");
    }

    @Test
    void aVipAConfigCenterEntryDeclaresLaterIsWithheldWithTheReasonAndComesBackWhenTheDeclarationGoes() {
        AddressBook book = book("10.224.0.0/16", "fd00:1::/64");
        Assignment before = book.assign(key("a"), "a.nacos", service("a"));
        book.commit();
        String vip = before.addresses().get(0);
        String content = table.content();
        int writes = table.writes;

        CommitResult declaredNow = book.declare(declared("public/legacy", List.of("legacy.example.com"), vip));
        assertThat(declaredNow.changed()).containsExactly(key("a"));
        Assignment withheld = book.current(key("a"));
        assertThat(withheld.addresses()).as("the IPv6 VIP stays").containsExactly(before.addresses().get(1));
        assertThat(withheld.problem()).contains("VIP " + vip + " is withheld", "public/legacy",
                "never served twice");
        assertThat(book.view().problems()).containsKey(key("a"));
        assertThat(book.view().declaredConflicts()).isEqualTo(1);
        assertThat(book.view().declared().declarations()).extracting(DeclaredAddresses.Declaration::address)
                .containsExactly(vip);
        assertThat(table.content()).as("the host keeps its record: nothing is written").isEqualTo(content);
        assertThat(table.writes).isEqualTo(writes);
        // Nor is the withheld VIP given to anyone else.
        assertThat(book.assign(key("b"), "b.nacos", service("b")).addresses()).doesNotContain(vip);
        book.commit();

        assertThat(book.declare(DeclaredAddresses.none()).changed()).containsExactly(key("a"));
        assertThat(book.current(key("a"))).isEqualTo(before);
        assertThat(book.view().declaredConflicts()).isZero();
    }

    @Test
    void anAddressDeclaredForTheSameHostIsNoConflict() {
        AddressBook book = book();
        Assignment before = book.assign(key("a"), "a.nacos", service("a"));
        book.commit();
        assertThat(book.declare(declared("public/a-explicit", List.of("a.nacos"), before.addresses().get(0)))
                .changed()).isEmpty();
        assertThat(book.current(key("a"))).isEqualTo(before);
        assertThat(book.view().declaredConflicts()).isZero();
    }

    @Test
    void anOverrideNamingADeclaredAddressIsRefusedWithTheReason() {
        AddressBook book = book();
        book.declare(declared("istio-system/partner", List.of("partner.example.com"), "10.9.0.0/24"));
        long refused = metrics.refusedOverrides.get();
        Assignment a = book.assign(key("a"), "a.nacos", service("a", Map.of("istio.addresses", "10.9.0.5")));
        assertThat(a.addresses()).isEmpty();
        assertThat(a.problem()).contains("10.9.0.5 is refused", "istio-system/partner", "the block 10.9.0.0/24");
        assertThat(metrics.refusedOverrides.get()).isGreaterThan(refused);
        book.commit();
        assertThat(book.view().committed().records()).doesNotContainKey("10.9.0.5");
        assertThat(book.view().declaredConflicts()).isEqualTo(1);
        // Outside the block the override is served.
        assertThat(book.assign(key("a"), "a.nacos", service("a", Map.of("istio.addresses", "10.9.1.5"))).addresses())
                .containsExactly("10.9.1.5");
    }

    @Test
    void declarationsIgnoreWhatIsNoAddressAndCombine() {
        DeclaredAddresses one = declared("public/x", List.of("x.example"), "not-an-ip", "10.1.0.0/33", "fd00:0::5");
        assertThat(one.declarations()).extracting(DeclaredAddresses.Declaration::address).containsExactly("fd00::5");
        DeclaredAddresses two = declared("public/y", List.of("y.example"), "10.1.0.7");
        DeclaredAddresses both = DeclaredAddresses.union(one, two);
        assertThat(both.declarations()).hasSize(2);
        assertThat(DeclaredAddresses.union(both, one)).isEqualTo(both);
        assertThat(both.conflicting("10.1.0.7", "x.example")).isNotNull();
        assertThat(both.conflicting("10.1.0.7", "y.example")).isNull();
        assertThat(both.conflicting("fd00::5", "y.example").resource()).isEqualTo("public/x");
    }

    private static DeclaredAddresses declared(String resource, List<String> hosts, String... addresses) {
        return DeclaredAddresses.builder().add(resource, hosts, List.of(addresses)).build();
    }

    private static ServiceKey key(String name) {
        return new ServiceKey("public", "DEFAULT_GROUP", name);
    }

    private static RegistryService service(String name) {
        return service(name, Map.of());
    }

    private static RegistryService service(String name, Map<String, String> metadata) {
        return new RegistryService(key(name), 0, metadata, List.of());
    }
}
