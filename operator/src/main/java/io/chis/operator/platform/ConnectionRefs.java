package io.chis.operator.platform;

import io.chis.operator.api.SecretKeyRef;

/** Where each role's secret settings come from: a generated Secret or one the user named in the spec. */
public record ConnectionRefs(
        SecretKeyRef databaseUrl,
        SecretKeyRef redisUrl,
        SecretKeyRef jwtSecret,
        SecretKeyRef adminToken,
        SecretKeyRef internalToken) {

    public static ConnectionRefs of(PlatformSettings settings) {
        return new ConnectionRefs(
                settings.externalDatabase()
                        .or(() -> settings.scaling().cnpg().map(c -> CnpgCluster.appUrl(settings)))
                        .orElseGet(() -> new SecretKeyRef(settings.postgresName(), PlatformSecrets.URL)),
                settings.externalRedis().orElseGet(() -> new SecretKeyRef(settings.redisName(), PlatformSecrets.URL)),
                settings.jwtSecretRef()
                        .orElseGet(() -> new SecretKeyRef(settings.runtimeSecretName(), PlatformSecrets.JWT_SECRET)),
                new SecretKeyRef(settings.runtimeSecretName(), PlatformSecrets.ADMIN_TOKEN),
                new SecretKeyRef(settings.runtimeSecretName(), PlatformSecrets.INTERNAL_TOKEN));
    }
}
