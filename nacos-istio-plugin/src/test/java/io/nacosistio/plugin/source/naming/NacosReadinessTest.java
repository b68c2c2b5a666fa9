package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.consistency.ProtocolMetaData;
import com.alibaba.nacos.consistency.cp.CPProtocol;
import com.alibaba.nacos.core.distributed.ProtocolManager;
import com.alibaba.nacos.core.distributed.distro.DistroProtocol;
import io.nacosistio.plugin.source.ReadinessProbe.Check;
import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosMode;
import io.nacosistio.plugin.source.nacos.NacosProbes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The naming readiness probes read Nacos's own classes (2.3's here; 3.1 has the same methods). */
class NacosReadinessTest {

    private final DistroProtocol distro = mock(DistroProtocol.class);
    private final ProtocolManager protocols = mock(ProtocolManager.class);
    @SuppressWarnings("rawtypes")
    private final CPProtocol raft = mock(CPProtocol.class);
    private final ProtocolMetaData metaData = new ProtocolMetaData();

    private final BeanLookup beans = new BeanLookup() {
        @Override
        public <T> T get(Class<T> type) {
            if (type == DistroProtocol.class) {
                return type.cast(distro);
            }
            if (type == ProtocolManager.class) {
                return type.cast(protocols);
            }
            throw new IllegalStateException("no " + type.getName() + " bean");
        }
    };

    @Test
    void inAClusterDistrosInitialLoadAndTheJraftLeaderOfThePersistentGroupDecide() {
        when(protocols.getCpProtocol()).thenReturn(raft);
        when(raft.protocolMetaData()).thenReturn(metaData);
        AtomicBoolean loaded = new AtomicBoolean();
        when(distro.isInitialized()).thenAnswer(i -> loaded.get());
        List<ReadinessProbe> probes = NacosReadiness.namingProbes(beans, NacosMode.known(false));
        assertThat(probes).extracting(ReadinessProbe::part).containsExactly("naming-ephemeral", "naming-persistent");

        assertThat(probes.get(0).check().state()).isEqualTo(Check.State.NOT_READY);
        assertThat(probes.get(0).check().detail()).contains("Distro is still loading");
        assertThat(probes.get(1).check().state()).isEqualTo(Check.State.NOT_READY);
        assertThat(probes.get(1).check().detail()).contains("naming_persistent_service_v2").contains("no leader");

        // Nacos's config dump subscribes to the leader before one is known: an item without data.
        metaData.subscribe("naming_persistent_service_v2", "leader", o -> { });
        assertThat(probes.get(1).check().state()).isEqualTo(Check.State.NOT_READY);

        loaded.set(true);
        metaData.load(Map.of("naming_persistent_service_v2", Map.of("leader", "127.0.0.1:7848")));
        assertThat(probes.get(0).check().isReady()).isTrue();
        assertThat(probes.get(1).check().isReady()).isTrue();
        assertThat(probes.get(1).check().detail()).contains("127.0.0.1:7848");
        // Another group's leader says nothing about this one.
        ReadinessProbe config = NacosProbes.raftGroup("config", "nacos_config", "configs", beans,
                NacosMode.known(false));
        assertThat(config.check().state()).isEqualTo(Check.State.NOT_READY);
    }

    @Test
    void aMissingProtocolOrAFailingCallIsNotReadyNeverAnException() {
        when(distro.isInitialized()).thenThrow(new IllegalStateException("boom"));
        when(protocols.getCpProtocol()).thenReturn(null);
        List<ReadinessProbe> probes = NacosReadiness.namingProbes(beans, NacosMode.known(false));
        assertThat(probes.get(0).check().state()).isEqualTo(Check.State.NOT_READY);
        assertThat(probes.get(0).check().detail()).contains("boom");
        assertThat(probes.get(1).check().state()).isEqualTo(Check.State.NOT_READY);
        assertThat(probes.get(1).check().detail()).contains("not started");
    }

    @Test
    void standaloneNeedsNoJraftAndWithoutTheBeansReadinessCannotBeKnown() {
        when(distro.isInitialized()).thenReturn(true);
        List<ReadinessProbe> standalone = NacosReadiness.namingProbes(beans, NacosMode.known(true));
        assertThat(standalone.get(0).check().isReady()).isTrue();
        assertThat(standalone.get(0).check().detail()).contains("standalone");
        assertThat(standalone.get(1).check().isReady()).isTrue();

        BeanLookup none = new BeanLookup() {
            @Override
            public <T> T get(Class<T> type) {
                throw new IllegalStateException("no beans");
            }
        };
        List<ReadinessProbe> unknown = NacosReadiness.namingProbes(none, NacosMode.known(false));
        assertThat(unknown).allSatisfy(p -> assertThat(p.check().state()).isEqualTo(Check.State.UNKNOWN));
        assertThat(unknown.get(0).check().detail()).contains("DistroProtocol");
        assertThat(unknown.get(1).check().detail()).contains("ProtocolManager");
    }
}
