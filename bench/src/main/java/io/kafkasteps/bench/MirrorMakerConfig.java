package io.kafkasteps.bench;

import java.util.stream.Collectors;

/**
 * The MirrorMaker 2 configuration of the reflector comparison: one flow, broker A (as the source
 * alias) to broker B ("dst"), the topic kept under its own name, the reflector's producer and
 * consumer settings, and everything MirrorMaker 2 does besides copying switched off.
 */
final class MirrorMakerConfig {

    private MirrorMakerConfig() {
    }

    /** The properties file copying {@code topic} from A, named {@code alias}, to B. */
    static String properties(String alias, String topic) {
        return String.join("\n",
                "clusters=" + alias + ", dst",
                alias + ".bootstrap.servers=" + Brokers.A,
                "dst.bootstrap.servers=" + Brokers.B,
                alias + "->dst.enabled=true",
                "dst->" + alias + ".enabled=false",
                alias + "->dst.topics=" + topic,
                "replication.policy.class=org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
                "tasks.max=1",
                "replication.factor=1",
                "checkpoints.topic.replication.factor=1",
                "heartbeats.topic.replication.factor=1",
                "offset-syncs.topic.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "config.storage.replication.factor=1",
                "emit.heartbeats.enabled=false",
                "emit.checkpoints.enabled=false",
                "sync.group.offsets.enabled=false",
                "sync.topic.acls.enabled=false",
                "sync.topic.configs.enabled=false",
                "refresh.topics.interval.seconds=600",
                "refresh.groups.enabled=false",
                // the same producer settings as the reflector and the raw loop
                Settings.reflectorProducerTuning().entrySet().stream().map(e -> "dst.producer." + e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n")),
                alias + ".consumer.max.poll.records=" + Settings.REFLECTOR_MAX_POLL_RECORDS,
                alias + ".consumer.auto.offset.reset=earliest",
                "");
    }
}
