package io.nacosistio.plugin.server;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientNetworksTest {

    private static boolean allows(ClientNetworks networks, String address) throws Exception {
        return networks.allows(InetAddress.getByName(address));
    }

    @Test
    void theDefaultLetsInLoopbackAndPrivateNetworksAndNothingPublic() throws Exception {
        ClientNetworks defaults = ClientNetworks.parse(ClientNetworks.PRIVATE_NETWORKS);
        for (String inside : List.of("127.0.0.1", "10.12.0.7", "172.16.0.1", "172.31.255.254", "192.168.1.3",
                "100.64.0.1", "::1", "fd12:3456::1", "fe80::1", "::ffff:10.1.2.3")) {
            assertThat(allows(defaults, inside)).as(inside).isTrue();
        }
        for (String outside : List.of("8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:db8::1",
                "::ffff:8.8.8.8", "11.0.0.1")) {
            assertThat(allows(defaults, outside)).as(outside).isFalse();
        }
    }

    @Test
    void prefixesCountBitsAndABareAddressIsOneHost() throws Exception {
        ClientNetworks networks = ClientNetworks.parse(List.of("10.1.2.128/25", " 192.0.2.7 ", "2001:db8:abcd::/48"));
        assertThat(allows(networks, "10.1.2.128")).isTrue();
        assertThat(allows(networks, "10.1.2.255")).isTrue();
        assertThat(allows(networks, "10.1.2.127")).isFalse();
        assertThat(allows(networks, "192.0.2.7")).isTrue();
        assertThat(allows(networks, "192.0.2.8")).isFalse();
        assertThat(allows(networks, "2001:db8:abcd:ffff::1")).isTrue();
        assertThat(allows(networks, "2001:db8:abce::1")).isFalse();
        assertThat(allows(ClientNetworks.any(), "203.0.113.9")).isTrue();
        assertThat(allows(ClientNetworks.any(), "2001:db8::9")).isTrue();
    }

    @Test
    void anIpv4MappedBlockMatchesTheIpv4AddressesItCarries() throws Exception {
        ClientNetworks networks = ClientNetworks.parse(List.of("::ffff:10.0.0.0/104"));
        assertThat(allows(networks, "10.200.0.1")).isTrue();
        assertThat(allows(networks, "11.0.0.1")).isFalse();
    }

    @Test
    void malformedBlocksAreRefusedWithTheirText() {
        assertThatThrownBy(() -> ClientNetworks.parse(List.of("10.0.0.0/33"))).hasMessageContaining("'10.0.0.0/33'")
                .hasMessageContaining("0..32");
        assertThatThrownBy(() -> ClientNetworks.parse(List.of("10.0.0.1/8"))).hasMessageContaining("host bits")
                .hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> ClientNetworks.parse(List.of("istiod.istio-system"))).hasMessageContaining("host names");
        assertThatThrownBy(() -> ClientNetworks.parse(List.of("fd00::/129"))).hasMessageContaining("0..128");
        assertThatThrownBy(() -> ClientNetworks.parse(List.of(" ", ""))).hasMessageContaining("empty");
    }
}
