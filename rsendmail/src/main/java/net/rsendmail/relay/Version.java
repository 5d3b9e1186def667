package net.rsendmail.relay;

/** The version from the jar's manifest (set by the build). */
final class Version {
    private Version() {
    }

    static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
