package dev.cairn.controller.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The server's TLS context with a read timeout on every accepted connection. The web server
 * layers TLS over each accepted (blocking) socket with this context's socket factory; setting the
 * timeout there bounds how long a client may stall a handshake, its request headers or body (a
 * slow or half-open client then costs one connection for at most the timeout, never a stuck one).
 * The factory also applies the server's parameters (protocols, client certificate wanted) to each
 * socket, since the web server does not on that path.
 */
final class ReadTimeoutSslContext extends SSLContext {
    ReadTimeoutSslContext(SSLContext delegate, int readTimeoutMillis, SSLParameters parameters) {
        super(new Spi(delegate, readTimeoutMillis, parameters), delegate.getProvider(), delegate.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final int timeout;
        private final SSLParameters parameters;

        Spi(SSLContext delegate, int timeout, SSLParameters parameters) {
            this.delegate = delegate;
            this.timeout = timeout;
            this.parameters = parameters;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            throw new UnsupportedOperationException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new Factory(delegate.getSocketFactory(), timeout, parameters);
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLEngine e = delegate.createSSLEngine();
            e.setSSLParameters(parameters);
            return e;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine e = delegate.createSSLEngine(host, port);
            e.setSSLParameters(parameters);
            return e;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return parameters;
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    private static final class Factory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final int timeout;
        private final SSLParameters parameters;

        Factory(SSLSocketFactory delegate, int timeout, SSLParameters parameters) {
            this.delegate = delegate;
            this.timeout = timeout;
            this.parameters = parameters;
        }

        private Socket configure(Socket s) {
            if (s instanceof SSLSocket ssl) ssl.setSSLParameters(parameters);
            return s;
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            s.setSoTimeout(timeout);
            return configure(delegate.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            s.setSoTimeout(timeout);
            return configure(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }
}
