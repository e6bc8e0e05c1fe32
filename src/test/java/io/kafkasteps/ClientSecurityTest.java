package io.kafkasteps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientSecurityTest {

    @Test
    void blank_settings_are_left_out_but_an_empty_endpoint_algorithm_turns_host_name_checking_off() {
        Map<String, Object> routeMap = new HashMap<>();
        routeMap.put("bootstrap.servers", "sink:9092");
        routeMap.put("ssl.truststore.location", "");
        routeMap.put("sasl.jaas.config", " ");
        routeMap.put("ssl.endpoint.identification.algorithm", "");
        Map<String, Object> props = ClientSecurity.withoutBlanks(routeMap);
        assertThat(props).containsOnlyKeys("bootstrap.servers", "ssl.endpoint.identification.algorithm");
        assertThat(props.get("ssl.endpoint.identification.algorithm")).isEqualTo("");
    }
}
