package io.purchasepipeline.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Being written. */
@Command(name = "cluster", mixinStandardHelpOptions = true)
final class ClusterCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("cluster is not written yet");
    }
}
