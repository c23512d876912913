package io.purchasepipeline.topology;

import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Draws a {@link TopologyDescription} as a Mermaid flowchart: topics as cylinders, one box per
 * sub-topology (one kind of task), processors with the stores they own. The README's diagram is
 * this output, kept in sync by a test.
 */
public final class TopologyDiagram {

    private TopologyDiagram() {}

    public static String mermaid(final TopologyDescription description) {
        final StringBuilder out = new StringBuilder("flowchart LR\n");
        final Set<String> topics = new TreeSet<>();
        final StringBuilder edges = new StringBuilder();
        description.subtopologies().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
                .forEach(sub -> {
                    out.append("  subgraph sub")
                            .append(sub.id())
                            .append(" [\"sub-topology ")
                            .append(sub.id())
                            .append("\"]\n");
                    sub.nodes().stream()
                            .sorted(Comparator.comparing(TopologyDescription.Node::name))
                            .forEach(node -> describe(node, out, edges, topics));
                    out.append("  end\n");
                });
        description.globalStores().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.GlobalStore::id))
                .forEach(global -> {
                    out.append("  subgraph global").append(global.id()).append(" [\"global store\"]\n");
                    describe(global.source(), out, edges, topics);
                    describe(global.processor(), out, edges, topics);
                    out.append("  end\n");
                });
        topics.forEach(topic -> out.append("  ")
                .append(topicId(topic))
                .append("[(\"")
                .append(topic)
                .append("\")]\n"));
        return out.append(edges).toString();
    }

    private static void describe(
            final TopologyDescription.Node node,
            final StringBuilder out,
            final StringBuilder edges,
            final Set<String> topics) {
        final String label;
        if (node instanceof TopologyDescription.Processor processor
                && !processor.stores().isEmpty()) {
            label = node.name() + "<br/>stores: " + String.join(", ", new TreeSet<>(processor.stores()));
        } else {
            label = node.name();
        }
        out.append("    ")
                .append(nodeId(node.name()))
                .append("[\"")
                .append(label)
                .append("\"]\n");
        if (node instanceof TopologyDescription.Source source) {
            new TreeSet<>(source.topicSet()).forEach(topic -> {
                topics.add(topic);
                edges.append("  ")
                        .append(topicId(topic))
                        .append(" --> ")
                        .append(nodeId(node.name()))
                        .append('\n');
            });
        }
        if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
            topics.add(sink.topic());
            edges.append("  ")
                    .append(nodeId(node.name()))
                    .append(" --> ")
                    .append(topicId(sink.topic()))
                    .append('\n');
        }
        node.successors().stream()
                .map(TopologyDescription.Node::name)
                .sorted()
                .forEach(next -> edges.append("  ")
                        .append(nodeId(node.name()))
                        .append(" --> ")
                        .append(nodeId(next))
                        .append('\n'));
    }

    private static String nodeId(final String name) {
        return "n_" + name.replaceAll("[^A-Za-z0-9]", "_");
    }

    private static String topicId(final String topic) {
        return "t_" + topic.replaceAll("[^A-Za-z0-9]", "_");
    }
}
