package io.nacosistio.plugin.address;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The addresses a service's ServiceEntry gets ({@code spec.addresses}: IPv4 first), and why it has fewer than
 * it should (empty when nothing is wrong). Immutable.
 */
public final class Assignment {

    private static final Assignment NONE = new Assignment(Collections.<String>emptyList(), "");

    private final List<String> addresses;
    private final String problem;
    private final boolean declaredConflict;

    Assignment(List<String> addresses, String problem) {
        this(addresses, problem, false);
    }

    Assignment(List<String> addresses, String problem, boolean declaredConflict) {
        this.addresses = Collections.unmodifiableList(addresses);
        this.problem = problem;
        this.declaredConflict = declaredConflict;
    }

    /** No address, and none expected (allocation off). */
    public static Assignment none() {
        return NONE;
    }

    public List<String> addresses() {
        return addresses;
    }

    /** Why the service is served without (some of) its addresses; empty when nothing is wrong. */
    public String problem() {
        return problem;
    }

    public boolean hasProblem() {
        return !problem.isEmpty();
    }

    /** True when an address of it is withheld or refused because a config-center ServiceEntry declares it. */
    public boolean declaredConflict() {
        return declaredConflict;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment && ((Assignment) o).addresses.equals(addresses)
                && ((Assignment) o).problem.equals(problem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(addresses, problem);
    }

    @Override
    public String toString() {
        return addresses + (problem.isEmpty() ? "" : " (" + problem + ")");
    }
}
