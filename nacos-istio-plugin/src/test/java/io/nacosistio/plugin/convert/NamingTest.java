package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.validation.DnsNameRules;
import io.nacosistio.plugin.validation.IpLiterals;
import io.nacosistio.plugin.validation.ServiceEntryValidator;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NamingTest {

    private final ResourceNamer resources = new ResourceNamer(MappingOptions.defaults());
    private final HostNamer hosts = new HostNamer(MappingOptions.defaults());

    @Test
    void distinctServicesNeverShareAResourceName() {
        List<String> services = List.of("orders", "Orders", "ORDERS", "order_s", "order-s", "order.s", "order:s",
                "order s", "__orders__", "providers:com.foo.Demo:1.0.0:", "providers:com.foo.Demo:1.0.0",
                "x".repeat(300), "x".repeat(301), "y".repeat(70), "y".repeat(71));
        List<String> groups = List.of("DEFAULT_GROUP", "default-group", "default_group", "G", "g", "a.b");
        Map<String, ServiceKey> seen = new HashMap<>();
        for (String group : groups) {
            for (String service : services) {
                ServiceKey key = new ServiceKey("public", group, service);
                String name = resources.resourceNameOf(key);
                ServiceKey previous = seen.put(name, key);
                if (previous != null && !(group.equals("default-group") && previous.group().equals("DEFAULT_GROUP"))) {
                    throw new AssertionError(key + " and " + previous + " both map to " + name);
                }
                String shortName = name.substring(name.indexOf('/') + 1);
                assertThat(DnsNameRules.isLowerSubdomain(shortName)).as(name).isTrue();
                assertThat(shortName.length()).isLessThanOrEqualTo(253);
            }
        }
    }

    @Test
    void namesAreLosslessAndReadableWhenTheyCanBe() {
        assertThat(resources.resourceNameOf(new ServiceKey("public", "DEFAULT_GROUP", "orders")))
                .isEqualTo("public/orders.default-group");
        assertThat(resources.resourceNameOf(new ServiceKey("", "DEFAULT_GROUP", "orders")))
                .isEqualTo("public/orders.default-group");
        assertThat(resources.resourceNameOf(new ServiceKey("prod", "trade", "pay.api")))
                .isEqualTo("prod/pay.api.trade");
    }

    @Test
    void namesAndHostsAreDeterministic() {
        ServiceKey key = new ServiceKey("Dev_NS", "My_Group", "Order_Service:v2");
        assertThat(resources.resourceNameOf(key)).isEqualTo(new ResourceNamer(MappingOptions.defaults())
                .resourceNameOf(new ServiceKey("Dev_NS", "My_Group", "Order_Service:v2")));
        assertThat(hosts.hostOf(key)).isEqualTo(hosts.hostOf(new ServiceKey("Dev_NS", "My_Group", "Order_Service:v2")));
    }

    @Test
    void hostsFitDnsLimits() {
        for (int length : new int[] {10, 63, 64, 200, 253, 254, 600}) {
            String host = hosts.hostOf(new ServiceKey("public", "DEFAULT_GROUP", "s".repeat(length)));
            assertThat(host.length()).isLessThanOrEqualTo(253);
            assertThat(ServiceEntryValidator.hostError(host)).as(host).isNull();
        }
        String a = hosts.hostOf(new ServiceKey("public", "g", "a".repeat(80) + "1"));
        String b = hosts.hostOf(new ServiceKey("public", "g", "a".repeat(80) + "2"));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void keepCaseKeepsUpperCase() {
        HostNamer keep = new HostNamer(MappingOptions.builder().keepCase(true).build());
        assertThat(keep.hostOf(new ServiceKey("public", "DEFAULT_GROUP", "Orders")))
                .isEqualTo("Orders.DEFAULT-GROUP.public.nacos");
    }

    @Test
    void namespaceMappingAndTemplateKnobsApply() {
        MappingOptions options = MappingOptions.builder().namespaceMapping(Map.of("3f2a-uuid", "payments"))
                .hostTemplate("{service}.{namespace}.{domain}").domainSuffix("svc.mesh").build();
        ServiceKey key = new ServiceKey("3f2a-uuid", "DEFAULT_GROUP", "orders");
        assertThat(new ResourceNamer(options).resourceNameOf(key)).isEqualTo("payments/orders.default-group");
        assertThat(new HostNamer(options).hostOf(key)).isEqualTo("orders.3f2a-uuid.svc.mesh");
    }

    @Test
    void ipLiteralsAreRecognizedWithoutResolving() {
        assertThat(IpLiterals.isIp("10.0.0.1")).isTrue();
        assertThat(IpLiterals.isIp("::1")).isTrue();
        assertThat(IpLiterals.isIp("fe80::1%eth0")).isTrue();
        assertThat(IpLiterals.isIp("::ffff:10.0.0.1")).isTrue();
        assertThat(IpLiterals.isIp("2001:db8:0:0:0:0:0:1")).isTrue();
        assertThat(IpLiterals.isIp("256.0.0.1")).isFalse();
        assertThat(IpLiterals.isIp("01.0.0.1")).isFalse();
        assertThat(IpLiterals.isIp("localhost")).isFalse();
        assertThat(IpLiterals.isIp("1:2:3:4:5:6:7:8:9")).isFalse();
        assertThat(IpLiterals.isIp("1::2::3")).isFalse();
    }
}
