package io.chis.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SigningSecretTest {

    @Test
    void generatedSecretsAreValidDistinctAndCarryA192BitKey() {
        String one = SigningSecret.generate();
        assertThat(one).startsWith("whsec_");
        assertThat(SigningSecret.isValid(one)).isTrue();
        assertThat(SigningSecret.key(one)).hasSize(24);
        assertThat(SigningSecret.generate()).isNotEqualTo(one);
    }

    @Test
    void onlyPrefixedBase64KeysAreValid() {
        assertThat(SigningSecret.isValid("whsec_")).isFalse();
        assertThat(SigningSecret.isValid("whsec_not base64!")).isFalse();
        assertThat(SigningSecret.isValid("c2VjcmV0")).isFalse();
        assertThat(SigningSecret.isValid(null)).isFalse();
        assertThat(SigningSecret.key("c2VjcmV0")).isEqualTo("secret".getBytes());
    }
}
