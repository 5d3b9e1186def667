package net.rsendmail.doctor;

/** How one doctor check came out. */
public enum Verdict {
    /** Right as it is. */
    PASS,
    /** Works, but something will bite later (or could not be checked): the fix says what to do. */
    WARN,
    /** Mail will not go (or will be refused or marked as spam) until the fix is applied. */
    FAIL
}
