package io.nacosistio.plugin.address;

import io.nacosistio.plugin.source.ServiceKey;

import java.util.Collections;
import java.util.Map;

/** An immutable picture of address allocation for the debug view and metrics. */
public final class AddressView {

    private final String status;
    private final String tableLocation;
    private final Map<String, Long> poolUsed;
    private final Map<String, Long> poolSizes;
    private final AddressTable committed;
    private final Map<ServiceKey, String> problems;
    private final DeclaredAddresses declared;
    private final int declaredConflicts;

    AddressView(String status, String tableLocation, Map<String, Long> poolUsed, Map<String, Long> poolSizes,
            AddressTable committed, Map<ServiceKey, String> problems, DeclaredAddresses declared,
            int declaredConflicts) {
        this.status = status;
        this.tableLocation = tableLocation;
        this.poolUsed = Collections.unmodifiableMap(poolUsed);
        this.poolSizes = Collections.unmodifiableMap(poolSizes);
        this.committed = committed;
        this.problems = Collections.unmodifiableMap(problems);
        this.declared = declared;
        this.declaredConflicts = declaredConflicts;
    }

    /** A view for a plugin without an address book (tests, or before start). */
    public static AddressView empty() {
        return new AddressView("off", "", Collections.<String, Long>emptyMap(), Collections.<String, Long>emptyMap(),
                AddressTable.empty(), Collections.<ServiceKey, String>emptyMap(), DeclaredAddresses.none(), 0);
    }

    /** "on", or why allocation is off or stalled. */
    public String status() {
        return status;
    }

    /** Namespace, group and dataId of the table; empty when it is kept in memory. */
    public String tableLocation() {
        return tableLocation;
    }

    /** Pool CIDR → addresses of the committed table inside it (in use or on hold). */
    public Map<String, Long> poolUsed() {
        return poolUsed;
    }

    /** Pool CIDR → usable addresses. */
    public Map<String, Long> poolSizes() {
        return poolSizes;
    }

    public AddressTable committed() {
        return committed;
    }

    /** What config-center ServiceEntries declare (never handed to another host). */
    public DeclaredAddresses declared() {
        return declared;
    }

    /** Registry services with an address withheld or an override refused because a config-center entry declares it. */
    public int declaredConflicts() {
        return declaredConflicts;
    }

    /** Services served with fewer addresses than they should have, and why. */
    public Map<ServiceKey, String> problems() {
        return problems;
    }
}
