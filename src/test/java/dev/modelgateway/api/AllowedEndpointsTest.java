package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The allow-list compares parsed URLs and the address actually connected to, never string prefixes. */
class AllowedEndpointsTest {

    static final Map<String, String> DNS = Map.of(
            "vllm.example.com", "203.0.113.10",
            "rebind.example.com", "127.0.0.1",
            "metadata.example.com", "169.254.169.254",
            "private.example.com", "10.1.2.3",
            "listed.example.com", "10.9.9.9");

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.getOrDefault(host, host.matches("[0-9.]+|.*:.*") ? host : null);
        if (ip == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    final AllowedEndpoints allowed = new AllowedEndpoints(List.of("http://vllm.example.com", "https://vllm.example.com:8443/allowed/",
            "http://rebind.example.com/v1", "http://metadata.example.com/", "http://private.example.com/v1",
            "http://listed.example.com/v1", "http://10.9.9.9:80/"), AllowedEndpointsTest::resolve);

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "http://vllm.example.com@127.0.0.1:8000/v1 | user info",
            "http://user:pw@vllm.example.com/v1 | user info",
            "http://vllm.example.com.evil.example/v1 | not in",
            "http://evil.example/vllm.example.com | not in",
            "https://vllm.example.com/v1 | not in",
            "http://vllm.example.com:8080/v1 | not in",
            "https://vllm.example.com:8443/allowed/../v1 | not in",
            "https://vllm.example.com:8443/allowedx/v1 | not in",
            "https://vllm.example.com:8443/allowed/%2e%2e/v1 | encoded",
            "https://vllm.example.com:8443/allowed/..%2fv1 | encoded",
            "ftp://vllm.example.com/ | only http",
            "http://rebind.example.com/v1 | internal address (127.0.0.1)",
            "http://metadata.example.com/latest/meta-data | internal address (169.254.169.254)",
            "http://private.example.com/v1 | internal address (10.1.2.3)",
            "http://127.0.0.1/v1 | not in",
            "not a url at all | not a valid URL",
    })
    void refused(String endpoint, String why) {
        assertThatThrownBy(() -> allowed.check(endpoint)).isInstanceOf(GatewayException.class)
                .hasMessageContaining(why).extracting(e -> ((GatewayException) e).status()).isEqualTo(403);
    }

    @Test
    void allowedEndpointsPassWithTheAddressToConnectTo() throws Exception {
        AllowedEndpoints.Checked c = allowed.check("http://VLLM.example.com/v1");
        assertThat(c.address()).isEqualTo(InetAddress.getByName("203.0.113.10"));
        assertThat(c.url()).isEqualTo("http://vllm.example.com:80/v1");
        assertThat(allowed.check("https://vllm.example.com:8443/allowed/v1/./x").url())
                .isEqualTo("https://vllm.example.com:8443/allowed/v1/x");
        assertThat(allowed.check("https://vllm.example.com:8443/allowed").url()).endsWith("/allowed");
        // a private address passes when the allow-list names that address itself
        assertThat(allowed.check("http://listed.example.com/v1").address().getHostAddress()).isEqualTo("10.9.9.9");
    }

    @Test
    void internalAddressesAreRecognised() throws Exception {
        for (String ip : List.of("127.0.0.1", "::1", "169.254.169.254", "fd00:ec2::254", "10.0.0.1", "172.16.0.1",
                "192.168.1.1", "100.64.0.1", "0.0.0.0", "fe80::1", "::ffff:127.0.0.1")) {
            assertThat(AllowedEndpoints.internal(InetAddress.getByName(ip))).as(ip).isTrue();
        }
        assertThat(AllowedEndpoints.internal(InetAddress.getByName("203.0.113.10"))).isFalse();
    }
}
