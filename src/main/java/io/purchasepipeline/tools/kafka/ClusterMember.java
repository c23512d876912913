package io.purchasepipeline.tools.kafka;

import org.apache.kafka.common.Uuid;

/**
 * One node of a multi-node local cluster as the controller quorum knows it.
 *
 * <p>The directory id is part of the node's identity in a KRaft dynamic quorum: every node is
 * formatted with the same list of {@code id@host:port:directoryId} voters, so it must be chosen
 * once, before the first node is formatted, and kept for the life of the cluster.
 *
 * @param nodeId         Kafka {@code node.id}
 * @param port           client (PLAINTEXT) port on the loopback address
 * @param controllerPort controller (raft) port on the loopback address
 * @param directoryId    directory id of the node's metadata log directory
 */
record ClusterMember(int nodeId, int port, int controllerPort, Uuid directoryId) {

    /** This member as one entry of {@code kafka-storage format --initial-controllers}. */
    String initialControllerEntry() {
        return nodeId + "@" + Loopback.ADDRESS + ":" + controllerPort + ":" + directoryId;
    }

    /** This member's controller endpoint, for {@code controller.quorum.bootstrap.servers}. */
    String controllerEndpoint() {
        return Loopback.ADDRESS + ":" + controllerPort;
    }
}
