package io.chis.runtime.dispatch;

import io.chis.runtime.config.ChisSettings;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker role's HTTP client: one per process, so its per-host pools are shared by all attempts. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("chis.role.worker")
public class WorkerConfiguration {

    @Bean(destroyMethod = "close")
    WebhookClient webhookClient(ChisSettings settings) {
        return new WebhookClient(settings.delivery().concurrency(), settings.delivery().timeout(),
                settings.allowPrivateTargets());
    }
}
