package net.rsendmail.client.doctor;

import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.LoadedConfig;

/** The command or line that fixes a config key {@link net.rsendmail.client.config.Deliverable} found wrong. */
final class Fixes {
    private Fixes() {
    }

    static String forKey(String key, ClientConfig c, LoadedConfig loaded) {
        switch (key) {
            case "relay":
                return "add to " + loaded.file() + ": relay rsendmail@RELAY-HOST[:PORT]";
            case "identity":
                if (c.identity() == null) {
                    return "add to " + loaded.file() + ": identity /etc/sshsendmail/id_ed25519";
                }
                return "make a key: ssh-keygen -t ed25519 -N '' -f " + c.identity() + " (or chmod 600 "
                        + c.identity() + ", as the queue's owner)";
            case "known_hosts":
                return "ssh-keyscan -p PORT RELAY-HOST > " + c.knownHosts() + ", then check its fingerprint (ssh-keygen -lf "
                        + c.knownHosts() + ") against the relay's host key";
            case "certificate":
                return "on the CA: ssh-keygen -s CA_KEY -I ID -n PRINCIPAL -V +52w " + c.identity() + ".pub; copy the "
                        + "-cert.pub it writes to " + c.certificate();
            default:
                return "see sshsendmail.conf(5) for '" + key + "'";
        }
    }
}
