package dev.cairn.controller.http;

import io.helidon.logging.common.spi.LoggingProvider;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;

/**
 * The web server's log goes where Cairn's goes (SLF4J): its warnings and errors as such, its
 * start-up and shutdown notices at debug level, so they never appear in the CLI's output. Found
 * by the web server through {@code META-INF/services} (without a provider it prints a notice of
 * its own), and installed by {@link HttpApi} before the first server starts.
 */
public final class HelidonLogging implements LoggingProvider {
    /** Held so the configured logger is not collected (java.util.logging keeps loggers weakly). */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static volatile boolean installed;

    @Override
    public void initialization() {
        install();
    }

    @Override
    public void runTime() {
        install();
    }

    static synchronized void install() {
        if (installed) return;
        HELIDON.setUseParentHandlers(false);
        HELIDON.setLevel(Level.ALL);
        HELIDON.addHandler(new ToSlf4j());
        installed = true;
    }

    private static final class ToSlf4j extends Handler {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            org.slf4j.Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "io.helidon" : r.getLoggerName());
            int level = r.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                if (log.isErrorEnabled()) log.error(format.formatMessage(r), r.getThrown());
            } else if (level >= Level.WARNING.intValue()) {
                if (log.isWarnEnabled()) log.warn(format.formatMessage(r), r.getThrown());
            } else if (log.isDebugEnabled()) {
                log.debug(format.formatMessage(r), r.getThrown());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
