package io.chis.runtime.roles;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.dispatch.WebhookClient;
import io.chis.runtime.dispatch.WebhookSender;
import io.chis.runtime.dispatch.Worker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The worker role: takes deliveries from the queue and makes their HTTP attempts. */
@Configuration(proxyBeanMethods = false)
@Import({Worker.class, WebhookSender.class})
public class WorkerRole {

    /** One per process, so its per-host pools are shared by all attempts. */
    @Bean(destroyMethod = "close")
    WebhookClient webhookClient(ChisSettings settings) {
        return new WebhookClient(
                settings.delivery().concurrency(), settings.delivery().timeout(), settings.allowPrivateTargets());
    }
}
