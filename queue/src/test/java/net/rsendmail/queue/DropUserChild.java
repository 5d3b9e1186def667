package net.rsendmail.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

/** Runs as an unprivileged test user: submits, attacks another user's drop file, or forges one. */
public final class DropUserChild {
    private DropUserChild() {
    }

    interface Attempt {
        void run() throws IOException;
    }

    static void attempt(String name, Attempt a) {
        try {
            a.run();
            ChildOut.line(name + " ALLOWED");
        } catch (IOException e) {
            ChildOut.line(name + " denied " + e.getClass().getSimpleName());
        }
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "submit" -> {
                QueueId id = Maildrop.submit(Path.of(args[1]), new Envelope(args[2], List.of(args[3])), System.in);
                ChildOut.line(id.value());
            }
            case "enqueue" -> {
                MailQueue q = MailQueue.open(Path.of(args[1]));
                ChildOut.line("owner " + q.isOwner());
                try {
                    q.enqueue(new Envelope("", List.of("x@y")), TestSupport.in(new byte[10]));
                    ChildOut.line("enqueue ALLOWED");
                } catch (QueueException e) {
                    ChildOut.line("enqueue " + e.kind() + " " + e.exitCode());
                }
            }
            case "run" -> {
                // what a runner does as the queue's owner: pick up, then take everything due
                MailQueue q = MailQueue.open(Path.of(args[1]));
                ChildOut.line("owner " + q.isOwner());
                ChildOut.line("picked up " + q.pickup());
                for (QueueId id : q.due(Instant.now())) {
                    java.util.Optional<Claim> c = q.claim(id);
                    if (c.isPresent()) {
                        ChildOut.line("delivered " + id + " uid " + Integer.toUnsignedString(c.get().message().submitterUid()));
                        c.get().remove();
                    }
                }
            }
            case "attack" -> {
                Path drop = Path.of(args[1]);
                Path f = drop.resolve(args[2]);
                Path queue = Path.of(args[3]);
                attempt("list", () -> {
                    try (var s = Files.newDirectoryStream(drop)) {
                        s.iterator().hasNext();
                    }
                });
                attempt("read", () -> Files.readAllBytes(f));
                attempt("write", () -> FileChannel.open(f, StandardOpenOption.WRITE).close());
                attempt("truncate", () -> FileChannel.open(f, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING).close());
                attempt("chmod", () -> Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-")));
                attempt("delete", () -> Files.delete(f));
                attempt("rename", () -> Files.move(f, drop.resolve("stolen"), StandardCopyOption.ATOMIC_MOVE));
                attempt("replace", () -> {
                    Path mine = drop.resolve("mine-" + ProcessHandle.current().pid());
                    Files.writeString(mine, "x");
                    try {
                        Files.move(mine, f, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(mine);
                    }
                });
                attempt("queue", () -> {
                    try (var s = Files.newDirectoryStream(queue.resolve("queue"))) {
                        s.iterator().hasNext();
                    }
                });
                attempt("quarantine", () -> {
                    try (var s = Files.newDirectoryStream(queue.resolve("quarantine"))) {
                        s.iterator().hasNext();
                    }
                });
            }
            case "forge" -> {
                // a well-formed drop file that claims to come from another uid
                Path drop = Path.of(args[1]);
                int claimed = Integer.parseInt(args[2]);
                QueueId id = QueueId.generate();
                byte[] body = "Subject: forged\r\n\r\nhi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                byte[] h = DropFile.header(id, claimed, Instant.now(), new Envelope("victim@x", List.of("r@x")));
                byte[] d = DropFile.sizeDigits(body.length);
                System.arraycopy(d, 0, h, DropFile.sizeOffset(h), d.length);
                Path tmp = drop.resolve(id + ".tmp-forge");
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(h));
                    ch.write(ByteBuffer.wrap(body));
                }
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, drop.resolve(id.value()), StandardCopyOption.ATOMIC_MOVE);
                ChildOut.line(id.value());
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
