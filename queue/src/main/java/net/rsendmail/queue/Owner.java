package net.rsendmail.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Identity of a live process: pid plus its start time, so that a reused pid is not mistaken for
 * the original owner. The start time is field 22 of /proc/PID/stat (clock ticks since boot, see
 * proc(5)), compared exactly. Written into claim and temp names as "PID.START".
 */
record Owner(long pid, long start) {

    private static final Owner SELF = computeSelf();

    static Owner self() {
        return SELF;
    }

    String token() {
        return pid + "." + start;
    }

    /** Parses the two name fields; null if they are not plain decimal numbers. */
    static Owner parse(String pid, String start) {
        if (!isDecimal(pid) || !isDecimal(start)) {
            return null;
        }
        return new Owner(Long.parseLong(pid), Long.parseLong(start));
    }

    /**
     * True if this process still runs. Dead: no such pid, a zombie, or the pid now belongs to a
     * process that started at another time. If the start time cannot be read (no /proc) a
     * process with that pid counts as alive: recovery then falls back to the claim's age.
     */
    boolean isAlive() {
        if (this.equals(SELF)) {
            return true;
        }
        Optional<long[]> stat = readStat(pid);
        if (stat != null) {
            if (stat.isEmpty()) {
                return false;
            }
            long[] s = stat.get();
            return s[0] != 'Z' && s[0] != 'X' && (start == 0 || s[1] == start);
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Owner computeSelf() {
        long pid = ProcessHandle.current().pid();
        Optional<long[]> stat = readStat(pid);
        return new Owner(pid, stat != null && stat.isPresent() ? stat.get()[1] : 0);
    }

    /**
     * {state, starttime} of a process; empty if it does not exist; null if /proc is unusable.
     */
    private static Optional<long[]> readStat(long pid) {
        Path p = Path.of("/proc", Long.toString(pid), "stat");
        String s;
        try {
            s = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            return Files.isDirectory(Path.of("/proc/self")) ? Optional.empty() : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
        // comm (field 2) may contain spaces and ')'; the fields after the last ')' are plain.
        int close = s.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] f = s.substring(close + 1).trim().split(" ");
        // f[0] is field 3 (state), so field 22 (starttime) is f[19]
        if (f.length < 20 || f[0].length() != 1 || !isDecimal(f[19])) {
            return null;
        }
        return Optional.of(new long[] {f[0].charAt(0), Long.parseLong(f[19])});
    }

    /**
     * The effective uid of this process (the "Uid:" line of /proc/self/status: real, effective,
     * saved, fs); -1 if it cannot be read.
     */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length == 4 && isDecimal(f[1]) ? Long.parseLong(f[1]) : -1;
                }
            }
        } catch (IOException | SecurityException e) {
            // no /proc
        }
        return -1;
    }

    static boolean isDecimal(String s) {
        if (s == null || s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
