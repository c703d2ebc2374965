package io.chis.runtime.dispatch;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The SSRF rule: webhooks go to the public internet, never to loopback, private, link-local, carrier-grade NAT,
 * cloud metadata or other special-purpose addresses. It judges the address a connection is about to use, so a
 * hostname that resolves (or re-resolves) to an internal address is caught too.
 */
public final class TargetGuard {

    private record Block(byte[] prefix, int bits, String kind) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) return false;
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) return false;
            }
            return true;
        }
    }

    // Checked in order, so the specific metadata addresses are named before their enclosing ranges.
    private static final List<Block> BLOCKED = List.of(
            block("169.254.169.254/32", "cloud metadata"),
            block("fd00:ec2::254/128", "cloud metadata"),
            block("0.0.0.0/8", "unspecified"),
            block("10.0.0.0/8", "private"),
            block("100.64.0.0/10", "carrier-grade NAT"),
            block("127.0.0.0/8", "loopback"),
            block("169.254.0.0/16", "link-local"),
            block("172.16.0.0/12", "private"),
            block("192.0.0.0/24", "special-purpose"),
            block("192.0.2.0/24", "documentation"),
            block("192.168.0.0/16", "private"),
            block("198.18.0.0/15", "benchmarking"),
            block("198.51.100.0/24", "documentation"),
            block("203.0.113.0/24", "documentation"),
            block("224.0.0.0/4", "multicast"),
            block("240.0.0.0/4", "reserved"),
            block("::/128", "unspecified"),
            block("::1/128", "loopback"),
            block("100::/64", "discard-only"),
            // RFC 8215: a network's own NAT64 prefixes, any length inside it, so never a public destination
            block("64:ff9b:1::/48", "NAT64 local-use"),
            block("2001:db8::/32", "documentation"),
            block("fc00::/7", "private (unique local)"),
            block("fe80::/10", "link-local"),
            block("fec0::/10", "site-local"),
            block("ff00::/8", "multicast"));

    // IPv6 forms that carry an IPv4 address, which is then judged by the IPv4 rules: mapped, compatible, NAT64, 6to4.
    private static final Block MAPPED = block("::ffff:0:0/96", "IPv4-mapped");
    private static final Block COMPATIBLE = block("::/96", "IPv4-compatible");
    private static final Block NAT64 = block("64:ff9b::/96", "NAT64");
    private static final Block SIX_TO_FOUR = block("2002::/16", "6to4");
    private static final Block TEREDO = block("2001::/32", "Teredo");

    private TargetGuard() {}

    /** Why a webhook must not be sent to this address, or empty when it is a public address. */
    public static Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(bytes);
            if (embedded != null) {
                return refusalOf(embedded).map(kind -> describe(address, kind + ", embedded in IPv6"));
            }
            if (TEREDO.contains(bytes)) {
                // RFC 4380: the Teredo server's IPv4 address, then the client's with every bit inverted
                byte[] client = Arrays.copyOfRange(bytes, 12, 16);
                for (int i = 0; i < 4; i++) client[i] = (byte) ~client[i];
                return refusalOf(Arrays.copyOfRange(bytes, 4, 8))
                        .or(() -> refusalOf(client))
                        .map(kind -> describe(address, kind + ", embedded in Teredo"));
            }
        }
        return refusalOf(bytes).map(kind -> describe(address, kind));
    }

    /** The error recorded for a refused attempt. */
    public static String describe(InetAddress address, String kind) {
        return "refused to connect to " + address.getHostAddress() + " (" + kind + " address): deliveries to loopback,"
                + " private, link-local and metadata addresses are blocked unless CHIS_ALLOW_PRIVATE_TARGETS=true";
    }

    private static Optional<String> refusalOf(byte[] bytes) {
        return BLOCKED.stream().filter(b -> b.contains(bytes)).map(Block::kind).findFirst();
    }

    private static byte[] embeddedIpv4(byte[] v6) {
        if (MAPPED.contains(v6) || NAT64.contains(v6)) return Arrays.copyOfRange(v6, 12, 16);
        if (COMPATIBLE.contains(v6) && !isZeroOrOne(v6)) return Arrays.copyOfRange(v6, 12, 16);
        if (SIX_TO_FOUR.contains(v6)) return Arrays.copyOfRange(v6, 2, 6);
        return null;
    }

    private static boolean isZeroOrOne(byte[] v6) {
        for (int i = 0; i < 15; i++) if (v6[i] != 0) return false;
        return v6[15] == 0 || v6[15] == 1;
    }

    private static Block block(String cidr, String kind) {
        String[] parts = cidr.split("/");
        try {
            // Literal addresses only: InetAddress does no lookup for them.
            byte[] prefix = InetAddress.getByName(parts[0]).getAddress();
            if (parts[0].contains(":") && prefix.length == 4) prefix = toMapped(prefix);
            return new Block(prefix, Integer.parseInt(parts[1]), kind);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(cidr, e);
        }
    }

    // Java turns "::ffff:a.b.c.d" literals into IPv4 addresses; the IPv6 blocks keep 16-byte prefixes.
    private static byte[] toMapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }
}
