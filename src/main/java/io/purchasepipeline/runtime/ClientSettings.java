package io.purchasepipeline.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The {@code --kafka-config} file: extra client settings (SASL, TLS) and {@code pipeline.*} rules. */
public final class ClientSettings {

    private ClientSettings() {}

    /**
     * The file's settings; none when {@code file} is null.
     *
     * @throws IllegalArgumentException in one sentence when the file is not there, is a directory, or cannot be read
     */
    public static Map<String, String> load(final Path file) throws IOException {
        final Map<String, String> settings = new HashMap<>();
        if (file != null) {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (NoSuchFileException e) {
                throw unreadable(file, "there is no such file");
            } catch (AccessDeniedException e) {
                throw unreadable(file, "permission denied");
            } catch (IOException e) {
                throw unreadable(file, Files.isDirectory(file) ? "it is a directory" : e.getMessage());
            } catch (IllegalArgumentException e) {
                // Properties.load on a malformed Unicode escape
                throw unreadable(file, e.getMessage());
            }
            properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        }
        return settings;
    }

    private static IllegalArgumentException unreadable(final Path file, final String why) {
        return new IllegalArgumentException("--kafka-config " + file + " cannot be read: " + why);
    }
}
