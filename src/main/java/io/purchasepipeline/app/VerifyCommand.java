package io.purchasepipeline.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Being written. */
@Command(name = "verify", mixinStandardHelpOptions = true)
final class VerifyCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("verify is not written yet");
    }
}
