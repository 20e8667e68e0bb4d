package dev.modelgateway.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * gateway.custom-models.allowed-endpoints as parsed URLs (contract 5.1): an endpoint a client names must have the
 * scheme, host and port of an entry and a path under the entry's path at a {@code /} boundary, after {@code .} and
 * {@code ..} are resolved; user info is refused. The host is resolved once here and the call is made to that very
 * address ({@link Checked#address()}), so a DNS answer that changes later cannot redirect it; an address that is
 * loopback, link-local (cloud metadata), private or otherwise internal is refused unless an entry names that address
 * (as its host, with the same port).
 */
public final class AllowedEndpoints {

    /** Resolves a host name (tests substitute their own). */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** An endpoint that passed: its normalised URL and the address to connect to. */
    public record Checked(String url, String host, InetAddress address) {
    }

    private record Entry(String scheme, String host, int port, String path) {
    }

    private final List<Entry> entries;
    /** address:port of the entries whose host is an IP literal: those addresses are allowed although internal */
    private final Set<String> listedAddresses = new HashSet<>();
    private final Resolver resolver;

    public AllowedEndpoints(List<String> allowed, Resolver resolver) {
        this.resolver = resolver;
        this.entries = allowed.stream().map(a -> {
            try {
                Entry e = entry(a);
                if (isLiteral(e.host())) {
                    listedAddresses.add(InetAddress.getByName(e.host()).getHostAddress() + ":" + e.port());
                }
                return e;
            } catch (IllegalArgumentException | UnknownHostException ex) {
                throw new IllegalArgumentException("gateway.custom-models.allowed-endpoints: '" + a
                        + "' is not an http(s) URL without user info (" + ex.getMessage() + ")");
            }
        }).toList();
    }

    public AllowedEndpoints(List<String> allowed) {
        this(allowed, InetAddress::getAllByName);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The endpoint, checked; a 403 (nothing is sent) when it is not allowed. */
    public Checked check(String endpoint) {
        Entry e;
        try {
            e = entry(endpoint);
        } catch (IllegalArgumentException ex) {
            throw GatewayException.forbidden("model endpoint is not allowed: " + ex.getMessage());
        }
        boolean matched = entries.stream().anyMatch(a -> a.scheme().equals(e.scheme()) && a.host().equals(e.host())
                && a.port() == e.port() && under(e.path(), a.path()));
        if (!matched) {
            throw GatewayException.forbidden("model endpoint is not in gateway.custom-models.allowed-endpoints");
        }
        InetAddress address;
        try {
            address = resolver.resolve(e.host())[0];
        } catch (UnknownHostException | ArrayIndexOutOfBoundsException ex) {
            throw GatewayException.forbidden("model endpoint host '" + e.host() + "' does not resolve");
        }
        if (internal(address) && !listedAddresses.contains(address.getHostAddress() + ":" + e.port())) {
            throw GatewayException.forbidden("model endpoint host '" + e.host() + "' resolves to an internal address ("
                    + address.getHostAddress() + ") that gateway.custom-models.allowed-endpoints does not list");
        }
        String url = e.scheme() + "://" + (e.host().contains(":") ? "[" + e.host() + "]" : e.host()) + ":" + e.port()
                + e.path();
        return new Checked(url, e.host(), address);
    }

    /** Loopback, link-local (169.254/16: cloud metadata), private, unique-local, CGNAT, wildcard or multicast. */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7, e.g. fd00:ec2::254
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64 // 100.64/10
                || (b[0] & 0xff) == 0;
    }

    private static boolean under(String path, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return p.isEmpty() || path.equals(p) || path.startsWith(p + "/");
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static Entry entry(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException ex) {
            throw new IllegalArgumentException("not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http and https URLs");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            throw new IllegalArgumentException("user info (user@host) is not accepted");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host");
        }
        String raw = uri.getRawPath() == null ? "" : uri.getRawPath();
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || raw.contains("\\")) {
            throw new IllegalArgumentException("encoded dots or slashes in the path");
        }
        String path = uri.normalize().getRawPath();
        if (path == null) {
            path = "";
        }
        if (path.startsWith("/..") || path.startsWith("..")) {
            throw new IllegalArgumentException("the path climbs above the root");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Entry(scheme, host, port, path);
    }
}
