package io.purchasepipeline.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** CPU time spent in this JVM, and in the stream threads of Kafka Streams, since {@link #start()}. */
final class CpuMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long processStart;
    private final Map<Long, Long> threadsStart;

    private CpuMeter(final long processStart, final Map<Long, Long> threadsStart) {
        this.processStart = processStart;
        this.threadsStart = threadsStart;
    }

    static CpuMeter start() {
        return new CpuMeter(processCpuNanos(), threadCpuNanos());
    }

    /**
     * CPU milliseconds per 1,000 attempts of the busiest groups of threads (names with their numbers
     * taken out): where the time goes, for a profile of the run.
     */
    Map<String, Double> byThreadGroup(final int attempts, final int top) {
        final Map<String, Long> groups = new HashMap<>();
        final Map<Long, String> names = threadNames();
        threadCpuNanos()
                .forEach((id, nanos) -> groups.merge(
                        names.getOrDefault(id, "?")
                                .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "ID")
                                .replaceAll("\\d+", "N"),
                        nanos - threadsStart.getOrDefault(id, 0L),
                        Long::sum));
        final Map<String, Double> busiest = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(group -> busiest.put(group.getKey(), perThousand(group.getValue(), attempts)));
        return busiest;
    }

    ContentionRun.CpuCost per(final int attempts) {
        final long process = processCpuNanos() - processStart;
        final Map<Long, String> names = threadNames();
        long streamThreads = 0;
        for (final Map.Entry<Long, Long> thread : threadCpuNanos().entrySet()) {
            if (names.getOrDefault(thread.getKey(), "").matches(".*-StreamThread-\\d+")) {
                streamThreads += thread.getValue() - threadsStart.getOrDefault(thread.getKey(), 0L);
            }
        }
        return new ContentionRun.CpuCost(perThousand(process, attempts), perThousand(streamThreads, attempts));
    }

    private static double perThousand(final long nanos, final int attempts) {
        return Math.round(nanos / 1e6 / attempts * 1000 * 10) / 10.0;
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of each live thread, by thread id. */
    private static Map<Long, Long> threadCpuNanos() {
        final Map<Long, Long> cpu = new HashMap<>();
        for (final long id : THREADS.getAllThreadIds()) {
            cpu.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        return cpu;
    }

    private static Map<Long, String> threadNames() {
        final Map<Long, String> names = new HashMap<>();
        Arrays.stream(THREADS.getThreadInfo(THREADS.getAllThreadIds()))
                .filter(Objects::nonNull)
                .forEach(info -> names.put(info.getThreadId(), info.getThreadName()));
        return names;
    }
}
