package net.rsendmail.relay.serve;

/**
 * Gives memory back once serve has had no connection for {@code quietMillis}: the serial
 * collector shrinks the heap only at a full collection, so without one a burst's heap would stay
 * committed all night (-XX:-ShrinkHeapInSteps in the launcher and {@link TightCollection} make
 * that one collection shrink it). Runs {@code collect} once per quiet spell that follows some use.
 */
final class IdleHeap implements Runnable {
    private final long quietMillis;
    private final Runnable collect;
    private int open;
    private boolean usedSinceCollect;

    IdleHeap(long quietMillis, Runnable collect) {
        this.quietMillis = quietMillis;
        this.collect = collect;
    }

    /** The collector thread of a running server. */
    static IdleHeap start(long quietMillis) {
        IdleHeap h = new IdleHeap(quietMillis, new TightCollection());
        Thread t = new Thread(h, "serve-idle-heap");
        t.setDaemon(true);
        t.start();
        return h;
    }

    synchronized void opened() {
        open++;
        usedSinceCollect = true;
        notifyAll();
    }

    synchronized void closed() {
        open--;
        notifyAll();
    }

    @Override
    public void run() {
        try {
            while (true) {
                synchronized (this) {
                    while (open > 0 || !usedSinceCollect) {
                        wait();
                    }
                    long until = System.nanoTime() + quietMillis * 1_000_000;
                    long left;
                    while (open == 0 && (left = (until - System.nanoTime()) / 1_000_000) > 0) {
                        wait(left);
                    }
                    if (open > 0) {
                        continue; // busy again: the next quiet spell counts
                    }
                    usedSinceCollect = false;
                }
                collect.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
