package io.purchasepipeline.tools.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Ports for brokers and instances a test kills and restarts on the same port. A port from the
 * kernel's ephemeral range can be taken, while its owner is down, as the local port of any outgoing
 * connection (clients reconnecting to the dead node make hundreds), and the restart then fails with
 * "Address already in use": the ports handed out must lie outside that range.
 */
class LoopbackPortsTest {

    @Test
    void portsHandedOutLieOutsideTheKernelsEphemeralRangeAndAreFreeAndDistinct() throws IOException {
        final LoopbackPorts.Range ephemeral = LoopbackPorts.ephemeralRange();

        final List<Integer> ports = LoopbackPorts.free(40);

        assertThat(ports)
                .hasSize(40)
                .doesNotHaveDuplicates()
                .allSatisfy(port -> assertThat(ephemeral.contains(port))
                        .as("port %d in %s", port, ephemeral)
                        .isFalse())
                .allSatisfy(port -> assertThat(port).isBetween(1024, 65535));
        assertBindable(ports);
    }

    @Test
    void consecutivePortsLieOutsideTheEphemeralRangeAndAreFree() throws IOException {
        final LoopbackPorts.Range ephemeral = LoopbackPorts.ephemeralRange();

        final int first = LoopbackPorts.freeConsecutive(6);

        final List<Integer> ports = IntStream.range(first, first + 6).boxed().toList();
        assertThat(ports)
                .allSatisfy(port -> assertThat(ephemeral.contains(port)).isFalse());
        assertBindable(ports);
    }

    @Test
    void theEphemeralRangeIsTheKernelsWhereItTellsAndLinuxsDefaultOtherwise() {
        assertThat(LoopbackPorts.Range.parse("32768\t60999\n")).isEqualTo(new LoopbackPorts.Range(32768, 60999));
        assertThat(LoopbackPorts.Range.parse("1024 65000")).isEqualTo(new LoopbackPorts.Range(1024, 65000));
        assertThat(LoopbackPorts.Range.parse("nonsense")).isEqualTo(LoopbackPorts.Range.LINUX_DEFAULT);
        assertThat(LoopbackPorts.Range.LINUX_DEFAULT).isEqualTo(new LoopbackPorts.Range(32768, 60999));
    }

    @Test
    void portsOutsideAnyEphemeralRangeAreChosenOnlyWhereThereIsRoomForThem() {
        // a kernel handing out almost every port as ephemeral leaves only its two ends
        assertThat(new LoopbackPorts.Range(1024, 65000).outside(10))
                .containsExactly(new LoopbackPorts.Range(65001, 65535));
        assertThat(new LoopbackPorts.Range(32768, 60999).outside(6))
                .containsExactly(new LoopbackPorts.Range(10000, 32767), new LoopbackPorts.Range(61000, 65535));
        // no room at all: the caller falls back to whatever the kernel gives
        assertThat(new LoopbackPorts.Range(1024, 65535).outside(1)).isEmpty();
    }

    private static void assertBindable(final List<Integer> ports) throws IOException {
        final List<ServerSocket> held = new ArrayList<>();
        try {
            for (final int port : ports) {
                held.add(new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")));
            }
        } finally {
            for (final ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
