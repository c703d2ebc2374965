package io.chis.operator.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chis.operator.api.SecretKeyRef;
import io.chis.operator.api.WebhookPlatform;
import io.chis.operator.api.WebhookPlatformSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformValidationTest {
    private final Map<String, Secret> secrets = new HashMap<>();

    private List<String> reasons(WebhookPlatform platform) {
        return PlatformValidation.validate(
                        platform, PlatformSettings.of(platform), name -> Optional.ofNullable(secrets.get(name)))
                .stream()
                .map(SpecProblem::reason)
                .toList();
    }

    private void secret(String name, String key, String value) {
        secrets.put(
                name,
                new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .addToStringData(key, value)
                        .build());
    }

    @Test
    void aManagedPlatformIsValid() {
        assertThat(reasons(Platforms.stored(Platforms.managed("shop", "acme")))).isEmpty();
    }

    @Test
    void theDatabaseMustBeExactlyOneOfManagedOrExternal() {
        WebhookPlatform neither = Platforms.managed("shop", "acme");
        neither.getSpec().getDatabase().setManaged(null);
        assertThat(reasons(neither)).containsExactly("DatabaseNotConfigured");
        WebhookPlatform missing = Platforms.managed("shop", "acme");
        missing.getSpec().setDatabase(null);
        missing.getSpec().setRedis(null);
        assertThat(reasons(missing)).containsExactly("DatabaseNotConfigured", "RedisNotConfigured");

        WebhookPlatform both = Platforms.managed("shop", "acme");
        both.getSpec().getDatabase().setExternal(new WebhookPlatformSpec.ExternalStore());
        both.getSpec().getDatabase().getExternal().setUrlSecretRef(new SecretKeyRef("pg", "url"));
        assertThat(reasons(both)).containsExactly("DatabaseConfigConflict");
    }

    @Test
    void externalStoresNeedTheirSecretKeyAndAUrlOfTheRightScheme() {
        WebhookPlatform platform =
                Platforms.external("shop", "acme", new SecretKeyRef("pg", "url"), new SecretKeyRef("cache", "url"));
        assertThat(reasons(platform)).containsExactly("DatabaseSecretNotFound", "RedisSecretNotFound");
        secret("pg", "other", "x");
        secret("cache", "url", "memcached://cache:11211");
        assertThat(reasons(platform)).containsExactly("DatabaseSecretKeyMissing", "RedisUrlInvalid");
        secret("pg", "url", "jdbc:postgresql://db:5432/chis");
        secret("cache", "url", "rediss://cache:6380");
        assertThat(reasons(platform)).isEmpty();

        WebhookPlatform elsewhere =
                Platforms.external("shop", "acme", new SecretKeyRef("nope", "url"), new SecretKeyRef("cache", "url"));
        List<SpecProblem> problems = PlatformValidation.validate(
                elsewhere, PlatformSettings.of(elsewhere), name -> Optional.ofNullable(secrets.get(name)));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.conditionType()).isEqualTo("DatabaseReady");
            assertThat(p.message())
                    .contains("'nope'")
                    .contains("namespace 'shop'")
                    .contains("key 'url'");
            assertThat(p.waitsForSecret()).isTrue();
        });
    }

    @Test
    void imageServiceTypeStorageAndJwtKeyAreChecked() {
        WebhookPlatform platform = Platforms.managed("shop", "acme");
        platform.getSpec().setImage("UPPER/case:tag with space");
        platform.getSpec().setApi(new WebhookPlatformSpec.ApiSpec());
        platform.getSpec().getApi().setService(new WebhookPlatformSpec.ServiceSpec());
        platform.getSpec().getApi().getService().setType("ExternalName");
        platform.getSpec().getDatabase().getManaged().setStorage("lots");
        platform.getSpec().setJwtSecretRef(new SecretKeyRef("auth", "hmac"));
        secret("auth", "hmac", "too-short");
        assertThat(reasons(platform))
                .containsExactly("InvalidImage", "InvalidServiceType", "InvalidStorageSize", "JwtSecretTooShort");

        for (String image : List.of(
                "postgres:16",
                "ghcr.io/chis-io/chis-runtime:0.1.0",
                "localhost:5000/chis/runtime",
                "registry.example.com/chis/runtime@sha256:" + "a".repeat(64))) {
            platform = Platforms.managed("shop", "acme");
            platform.getSpec().setImage(image);
            assertThat(reasons(platform)).as(image).isEmpty();
        }
    }
}
