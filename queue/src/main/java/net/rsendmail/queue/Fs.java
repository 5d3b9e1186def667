package net.rsendmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** File primitives of the durability protocol, and the mapping of I/O errors to {@link QueueException}. */
final class Fs {
    static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final OpenOption[] NEW_FILE = {
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};

    private Fs() {
    }

    /** An IOException thrown by the caller's message stream, not by the queue's disk. */
    static final class InputFailed extends IOException {
        InputFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Creates {@code file} (must not exist), copies {@code in} into it, fsyncs it; returns the length. */
    static long writeStream(Path file, InputStream in) throws IOException {
        try (FileChannel ch = FileChannel.open(file, NEW_FILE)) {
            long total = copy(in, ch);
            ch.force(true);
            return total;
        }
    }

    /**
     * Copies {@code in} to the channel's position; a failure of {@code in} (the caller's message)
     * is told apart from one of the file as {@link InputFailed}. Returns the length.
     */
    static long copy(InputStream in, FileChannel ch) throws IOException {
        byte[] buf = new byte[64 * 1024];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long total = 0;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                throw new InputFailed(e);
            }
            if (n < 0) {
                return total;
            }
            bb.clear().limit(n);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            total += n;
        }
    }

    /** All of the caller's message; its failure is {@link InputFailed}. */
    static byte[] readInput(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InputFailed(e);
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer bb) throws IOException {
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    /** Creates {@code file} (must not exist) with {@code data}, fsynced. */
    static void writeNew(Path file, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, NEW_FILE)) {
            ByteBuffer bb = ByteBuffer.wrap(data);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            ch.force(true);
        }
    }

    static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        }
    }

    /** Makes renames and creations inside {@code dir} durable (fsync(2) on the directory). */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** rename(2): atomic, same file system only, replaces a file or an empty directory at {@code to}. */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a small file without following a symlink; refuses files larger than {@code max}. */
    static byte[] readSmall(Path file, int max) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size > max) {
                throw new IOException(file + " is larger than " + max + " bytes");
            }
            ByteBuffer bb = ByteBuffer.allocate((int) size + 1);
            while (bb.hasRemaining() && ch.read(bb) >= 0) {
                // read to EOF or one byte past the expected size
            }
            if (bb.position() > size) {
                throw new IOException(file + " grew while being read");
            }
            byte[] out = new byte[bb.position()];
            bb.flip().get(out);
            return out;
        }
    }

    /** Deletes a tree without following symlinks (a planted link is removed, its target left alone). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            QueueLog.warn("cannot delete {}: {}", root, e.toString());
        }
    }

    /**
     * Classifies an I/O error. The errno text is matched first (English strerror(3) from the
     * JDK); since it may be localised, the file store is asked as well: read-only mount, or
     * almost no space left.
     */
    static QueueException fail(String what, IOException e, Path where) {
        if (e instanceof InputFailed) {
            return new QueueException(QueueException.Kind.INPUT,
                    what + ": reading the message failed: " + e.getMessage(), e.getCause());
        }
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            text = text + " " + fse.getReason();
        }
        QueueException.Kind kind;
        if (text.contains("No space left on device") || text.contains("Disk quota exceeded")) {
            kind = QueueException.Kind.NO_SPACE;
        } else if (text.contains("Read-only file system")) {
            kind = QueueException.Kind.READ_ONLY;
        } else if (e instanceof AccessDeniedException || text.contains("Permission denied")
                || text.contains("Operation not permitted")) {
            kind = QueueException.Kind.PERMISSION;
        } else if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            kind = QueueException.Kind.NOT_FOUND;
        } else {
            kind = QueueException.Kind.IO;
            try {
                FileStore store = Files.getFileStore(where);
                if (store.isReadOnly()) {
                    kind = QueueException.Kind.READ_ONLY;
                } else if (store.getUsableSpace() < 64 * 1024) {
                    kind = QueueException.Kind.NO_SPACE;
                }
            } catch (IOException | RuntimeException ignored) {
                // keep IO
            }
        }
        String label = switch (kind) {
            case NO_SPACE -> "no space left";
            case READ_ONLY -> "file system is read-only";
            case PERMISSION -> "permission denied";
            case NOT_FOUND -> "queue directory missing";
            default -> "I/O error";
        };
        return new QueueException(kind, what + ": " + label + " (" + detail(e) + ")", e);
    }

    /** The file and the OS reason, never a Java class name (the message is shown to users). */
    private static String detail(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String file = f.getFile() == null ? "" : f.getFile();
            return f.getReason() == null ? file : file + ": " + f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
