package io.purchasepipeline.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Being written. */
@Command(name = "broker", mixinStandardHelpOptions = true)
final class BrokerCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("broker is not written yet");
    }
}
