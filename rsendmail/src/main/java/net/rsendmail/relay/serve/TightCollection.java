package net.rsendmail.relay.serve;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * One full collection that leaves the heap at 10% free, for a server gone quiet: the serial
 * collector sizes the heap from -XX:MinHeapFreeRatio/-XX:MaxHeapFreeRatio at a full collection,
 * and the launcher's 40% (which keeps a burst from collecting all the time) would keep some 3 MiB
 * of an idle server's 9 MiB heap committed. Both flags are "manageable" (java(1)), so they are
 * lowered for this one collection and put back at once: the next burst grows the heap as before.
 */
final class TightCollection implements Runnable {
    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";
    private static final String IDLE_RATIO = "10";

    @Override
    public void run() {
        HotSpotDiagnosticMXBean vm;
        String min;
        String max;
        try {
            vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            min = vm.getVMOption(MIN).getValue();
            max = vm.getVMOption(MAX).getValue();
        } catch (RuntimeException e) { // a VM without the flags or the bean: collect with its own sizing
            System.gc();
            return;
        }
        try {
            vm.setVMOption(MIN, IDLE_RATIO); // min first: the VM refuses min > max
            vm.setVMOption(MAX, IDLE_RATIO);
        } catch (RuntimeException e) {
            // collect with the ratios as they are
        }
        try {
            System.gc();
        } finally {
            restore(vm, min, max);
        }
    }

    private static void restore(HotSpotDiagnosticMXBean vm, String min, String max) {
        try {
            vm.setVMOption(MAX, max); // max first, for the same reason
            vm.setVMOption(MIN, min);
        } catch (RuntimeException e) {
            // left at 10%: the heap still grows under load, with more collections
        }
    }
}
