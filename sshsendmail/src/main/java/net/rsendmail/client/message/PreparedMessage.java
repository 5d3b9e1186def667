package net.rsendmail.client.message;

import java.io.InputStream;
import java.util.List;

/** A message ready to queue: envelope sender ("" = null sender), recipients and the completed bytes. */
public record PreparedMessage(String sender, List<String> recipients, InputStream content) {
    public PreparedMessage {
        recipients = List.copyOf(recipients);
    }
}
