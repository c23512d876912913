package io.purchasepipeline.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The {@code --kafka-config} file: extra client settings (SASL, TLS) and {@code pipeline.*} rules. */
public final class ClientSettings {

    private ClientSettings() {
    }

    /** The file's settings; none when {@code file} is null. */
    public static Map<String, String> load(final Path file) throws IOException {
        final Map<String, String> settings = new HashMap<>();
        if (file != null) {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        }
        return settings;
    }
}
