import AsyncHTTPClient
import ChatCore
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Maps AsyncHTTPClient and NIO errors to the user-facing `ChatError`, the same way for
/// every request of this module.
///
/// Errors are told apart by their type and code, never by searching their descriptions:
/// a library's description may hold a header value, and so the API key. No text of a
/// library error reaches the user; each case below has words of our own.
enum HTTPFailure {
    static func chatError(for error: any Error, url: String, connectTimeout: Double, readTimeout: Double) -> ChatError {
        if let chatError = error as? ChatError { return chatError }
        if error is CancellationError { return .cancelled }
        if let httpError = error as? HTTPClientError {
            return map(httpError, url: url, connectTimeout: connectTimeout, readTimeout: readTimeout)
        }
        if let connection = error as? NIOConnectionError {
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return .connection(url: url, reason: "cannot resolve the host name")
            }
            if let first = connection.connectionErrors.first {
                return chatError(for: first.error, url: url, connectTimeout: connectTimeout, readTimeout: readTimeout)
            }
            return .connection(url: url, reason: "cannot connect")
        }
        if error is SocketAddressError {
            return .connection(url: url, reason: "cannot resolve the host name")
        }
        if let io = error as? IOError {
            return .connection(url: url, reason: reason(errno: io.errnoCode))
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return .connection(url: url, reason: "connection timed out after \(Int(connectTimeout)) s")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .inputClosed, .outputClosed:
                return .connection(url: url, reason: "the server closed the connection")
            default: return .connection(url: url, reason: "the connection failed")
            }
        }
        if let tls = error as? NIOSSLError {
            switch tls {
            case .handshakeFailed: return .tls(url: url, reason: "the TLS handshake failed (certificate not trusted, or not TLS)")
            case .uncleanShutdown: return .connection(url: url, reason: "the server closed the TLS connection without a goodbye")
            default: return .tls(url: url, reason: "TLS error")
            }
        }
        if error is NIOSSLExtraError || error is BoringSSLError {
            return .tls(url: url, reason: "the server's certificate was not accepted")
        }
        return .connection(url: url, reason: "the request failed (\(String(describing: type(of: error))))")
    }

    private static func map(_ error: HTTPClientError, url: String, connectTimeout: Double, readTimeout: Double) -> ChatError {
        switch error {
        case .readTimeout, .deadlineExceeded, .writeTimeout: return .timeout(seconds: readTimeout)
        case .connectTimeout: return .connection(url: url, reason: "connection timed out after \(Int(connectTimeout)) s")
        case .tlsHandshakeTimeout: return .tls(url: url, reason: "TLS handshake timed out")
        case .remoteConnectionClosed: return .connection(url: url, reason: "the server closed the connection")
        case .cancelled, .requestStreamCancelled: return .cancelled
        case .httpProxyHandshakeTimeout, .socksHandshakeTimeout: return .connection(url: url, reason: "the proxy did not answer")
        case .invalidProxyResponse: return .connection(url: url, reason: "the proxy refused the connection")
        case .proxyAuthenticationRequired: return .connection(url: url, reason: "the proxy wants credentials (put them in HTTPS_PROXY)")
        case .invalidURL, .emptyHost, .emptyScheme: return .invalidRequest(reason: "the URL \(url) is not valid; check base_url")
        case .redirectLimitReached, .redirectCycleDetected: return .connection(url: url, reason: "too many redirects")
        case .uncleanShutdown: return .connection(url: url, reason: "the server closed the TLS connection without a goodbye")
        default:
            break
        }
        // Cases built by functions cannot be matched as patterns. `shortDescription` is the
        // library's label of the error's code, documented to carry no associated value.
        switch error.shortDescription {
        case HTTPClientError.invalidHeaderFieldValues([]).shortDescription, HTTPClientError.invalidHeaderFieldNames([]).shortDescription:
            // The value is not shown: it may be the key.
            return .invalidRequest(
                reason: "a request header holds a character HTTP does not allow; check the key variable, referer and title")
        case HTTPClientError.unsupportedScheme("").shortDescription:
            return .invalidRequest(reason: "\(url) is not an http:// or https:// URL")
        default:
            return .connection(url: url, reason: "the HTTP exchange failed (\(error.shortDescription.lowercased()))")
        }
    }

    /// Our words for the `errno` of a failed socket call.
    static func reason(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset by the server"
        case ETIMEDOUT: return "connection timed out"
        case EHOSTUNREACH, ENETUNREACH, ENETDOWN: return "the network or host is unreachable"
        case EPIPE: return "the server closed the connection"
        case EADDRNOTAVAIL: return "the address is not available"
        default: return "a socket error (errno \(code))"
        }
    }
}
