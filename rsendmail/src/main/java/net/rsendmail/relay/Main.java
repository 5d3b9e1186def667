package net.rsendmail.relay;

import java.io.FileInputStream;
import java.io.FileDescriptor;

/** {@code rsendmail}: the relay's entry point behind an authorized_keys {@code command=}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Unbuffered descriptors: System.in's BufferedInputStream would only add a copy.
        int code = new Relay(System.out, System.err)
                .run(args, System.getenv("SSH_ORIGINAL_COMMAND"), new FileInputStream(FileDescriptor.in));
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }
}
