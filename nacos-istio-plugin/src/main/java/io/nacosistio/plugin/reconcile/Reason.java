package io.nacosistio.plugin.reconcile;

/**
 * Why a key is reconciled. Every key of a batch carries the reasons it was marked for; they are counted per
 * pipeline ({@code nacos_mesh_reconciled_keys_total{pipeline,reason}}) and listed with the last batches in
 * {@code /debug/reconcile}.
 */
public enum Reason {
    /** Nacos raised an event for the key. */
    EVENT("event"),
    /** The naming catalog check saw a change Nacos raises no event for (a metadata edit, an operator delete). */
    CATALOG_CHECK("catalog-check"),
    /** The membership check found a key that only one of the source and the index holds. */
    MEMBERSHIP_CHECK("membership-check"),
    /** The first full read, before the plugin answers anyone. */
    START("start"),
    /** The periodic full reconciliation. */
    RESYNC("resync"),
    /** The full re-read once this node's data is complete (the readiness gate opening). */
    READINESS("readiness"),
    /** A key served without its address after a failed address-table write, tried again. */
    ADDRESS_RETRY("address-retry");

    private final String label;

    Reason(String label) {
        this.label = label;
    }

    /** The name in metrics and the debug view. */
    public String label() {
        return label;
    }
}
