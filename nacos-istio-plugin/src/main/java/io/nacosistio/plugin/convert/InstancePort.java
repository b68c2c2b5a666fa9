package io.nacosistio.plugin.convert;

/** One port an instance listens on, with its Istio protocol. Immutable. */
final class InstancePort {

    final String protocol;
    final int number;

    InstancePort(String protocol, int number) {
        this.protocol = protocol;
        this.number = number;
    }

    @Override
    public String toString() {
        return protocol + ":" + number;
    }
}
