package io.chis.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback",
        "127.255.255.254, loopback",
        "10.1.2.3, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.1.10, private",
        "169.254.169.254, cloud metadata",
        "169.254.10.10, link-local",
        "100.64.0.1, carrier-grade NAT",
        "100.100.100.200, carrier-grade NAT",
        "0.0.0.0, unspecified",
        "224.0.0.251, multicast",
        "255.255.255.255, reserved",
        "::1, loopback",
        "::, unspecified",
        "fe80::1, link-local",
        "fc00::1, unique local",
        "fd12:3456::1, unique local",
        "fd00:ec2::254, cloud metadata",
        "ff02::1, multicast",
        "64:ff9b::a9fe:a9fe, cloud metadata",
        "2002:7f00:1::1, loopback",
        "64:ff9b:1::a00:1, NAT64 local-use",
        "64:ff9b:1:ffff::808:808, NAT64 local-use",
        "2001:0:4136:e378:8000:63bf:80ff:fffe, loopback",
        "2001:0:a00:1::f5f5:f5f5, private",
    })
    void refusesInternalAddresses(String address, String kind) throws UnknownHostException {
        assertThat(TargetGuard.refusal(InetAddress.getByName(address)))
                .hasValueSatisfying(reason ->
                        assertThat(reason).contains("refused to connect to", kind, "CHIS_ALLOW_PRIVATE_TARGETS=true"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "93.184.215.14",
                "8.8.8.8",
                "1.1.1.1",
                "172.15.255.255",
                "172.32.0.1",
                "100.63.255.255",
                "100.128.0.1",
                "169.253.255.255",
                "11.0.0.1",
                "2606:4700:4700::1111",
                "2a00:1450:4001:80b::200e",
                "2001:0:4136:e378:8000:63bf:f7f7:f7f7"
            })
    void allowsPublicAddresses(String address) throws UnknownHostException {
        assertThat(TargetGuard.refusal(InetAddress.getByName(address))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "10.0.0.1"})
    void seesThroughIpv4MappedIpv6(String ipv4) throws UnknownHostException {
        byte[] v4 = InetAddress.getByName(ipv4).getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);
        // Built as a real Inet6Address, the way a resolver may hand it over (InetAddress.getByAddress would unwrap it).
        InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(TargetGuard.refusal(address)).isPresent();
    }
}
