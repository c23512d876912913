package io.purchasepipeline.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted SMTP server on a loopback port, for the answers a real one gives rarely: a recipient
 * refused for good (550) or for now (451), a server that turns every connection away (421), a
 * connection that drops after the whole message was sent. Every other command is accepted. It
 * remembers when each message arrived, to check when a second copy came.
 */
final class SmtpStub implements AutoCloseable {

    /** What the stub answers to the end of a message's data: accept it, or drop the connection without a word. */
    enum AfterData {
        ACCEPT,
        DROP
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<String>> rcptReplies = new ConcurrentHashMap<>();
    private final Map<String, Deque<AfterData>> afterData = new ConcurrentHashMap<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean available = true;

    SmtpStub() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "smtp-stub");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Answers RCPT for {@code address} with these replies in turn, then with 250. */
    void replyToRcpt(final String address, final String... replies) {
        rcptReplies.put(address.toLowerCase(), new ArrayDeque<>(List.of(replies)));
    }

    /** Answers the end of the data of messages to {@code address} with these in turn, then accepts. */
    void afterData(final String address, final AfterData... answers) {
        afterData.put(address.toLowerCase(), new ArrayDeque<>(List.of(answers)));
    }

    /** While false, every connection is greeted with 421 and closed. */
    void available(final boolean available) {
        this.available = available;
    }

    int connections() {
        return connections.get();
    }

    /** The data of every message it took (or took in before dropping the connection), in order. */
    List<String> received() {
        return List.copyOf(received);
    }

    /** When each message of {@link #received} arrived (wall clock, milliseconds), in the same order. */
    List<Long> arrivals() {
        return List.copyOf(arrivals);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                final Socket socket = server.accept();
                open.add(socket);
                connections.incrementAndGet();
                final Thread session = new Thread(() -> serve(socket), "smtp-stub-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(final Socket socket) {
        try (socket;
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = socket.getOutputStream()) {
            if (!available) {
                reply(out, "421 4.3.2 service not available, try later");
                return;
            }
            reply(out, "220 stub ESMTP");
            String recipient = null;
            String line;
            while ((line = in.readLine()) != null) {
                final String command = line.toUpperCase();
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    reply(out, "250 stub");
                } else if (command.startsWith("MAIL FROM:")
                        || command.startsWith("NOOP")
                        || command.startsWith("RSET")) {
                    reply(out, "250 2.0.0 ok");
                } else if (command.startsWith("RCPT TO:")) {
                    recipient = line.substring(line.indexOf('<') + 1, line.indexOf('>'))
                            .toLowerCase();
                    final Deque<String> replies = rcptReplies.get(recipient);
                    final String answer = replies == null ? null : replies.poll();
                    reply(out, answer == null ? "250 2.1.5 ok" : answer);
                } else if (command.equals("DATA")) {
                    reply(out, "354 end data with <CR><LF>.<CR><LF>");
                    final List<String> data = new ArrayList<>();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        data.add(line.startsWith("..") ? line.substring(1) : line);
                    }
                    synchronized (received) {
                        arrivals.add(System.currentTimeMillis());
                        received.add(String.join("\r\n", data) + "\r\n");
                    }
                    final Deque<AfterData> answers = afterData.get(recipient);
                    final AfterData answer = answers == null ? null : answers.poll();
                    if (answer == AfterData.DROP) {
                        return;
                    }
                    reply(out, "250 2.0.0 queued as " + received.size());
                } else if (command.startsWith("QUIT")) {
                    reply(out, "221 2.0.0 bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        } finally {
            open.remove(socket);
        }
    }

    private static void reply(final OutputStream out, final String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (final Socket socket : open) {
            socket.close();
        }
    }
}
