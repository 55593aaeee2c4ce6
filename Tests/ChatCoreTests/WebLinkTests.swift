import Testing

@testable import ChatCore

/// Only web addresses become OSC 8 links.
@Suite struct WebLinkTests {
    @Test(arguments: [
        "https://example.com", "http://example.com/a?b=c#d", "HTTPS://Example.COM/x", "https://example.com:8443/",
        "http://[::1]:8080/x", "https://de.wikipedia.org/wiki/Müller", "https://a_b.example/",
    ])
    func webAddressesAreLinks(_ url: String) {
        #expect(WebLink.isLinkable(url))
    }

    @Test(arguments: [
        "javascript:alert(1)", "file:///etc/passwd", "ssh://host/x", "mailto:a@b.c", "data:text/html,x", "https:/x", "https:///x",
        "https://", "https://good.example@evil.example/", "https://ex\u{202E}ample.com", "https://a.com/\u{200B}", "https://a.com/ b",
        "https://a.com/\u{1B}]8;;x", "https://a.com:port/", "https://a.com:/", "http://[::1/", " https://a.com", "httpx://a.com",
        "https://a.com/" + String(repeating: "x", count: 2000),
    ])
    func everythingElseIsNot(_ url: String) {
        #expect(!WebLink.isLinkable(url))
    }
}
