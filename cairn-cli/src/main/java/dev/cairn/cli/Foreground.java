package dev.cairn.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Runs a server command in the foreground until SIGINT (Ctrl-C) or SIGTERM, then closes what it
 * started, in order, and lets the command return 0: a clean stop is a success, not "killed".
 */
final class Foreground {
    private Foreground() {}

    static void runUntilSignalled(String what, AutoCloseable... resources) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        stop.await();
        System.err.println("cairn: stopping " + what);
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("cairn: error while stopping: " + e.getMessage());
            }
        }
    }
}
