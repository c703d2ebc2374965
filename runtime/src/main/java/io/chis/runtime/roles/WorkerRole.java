package io.chis.runtime.roles;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.dispatch.Claims;
import io.chis.runtime.dispatch.DeliveryRepository;
import io.chis.runtime.dispatch.DeliverySummary;
import io.chis.runtime.dispatch.EndpointRateLimiter;
import io.chis.runtime.dispatch.OutcomeHandler;
import io.chis.runtime.dispatch.Targets;
import io.chis.runtime.dispatch.WebhookClient;
import io.chis.runtime.dispatch.WebhookExchange;
import io.chis.runtime.dispatch.WebhookSender;
import io.chis.runtime.dispatch.Worker;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.operational.OperationalEvents;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.policy.DeliveryPolicy;
import io.chis.runtime.policy.PolicyRepository;
import io.chis.runtime.queue.WorkQueue;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The worker role: takes deliveries from the queue and makes their HTTP attempts (docs/architecture.md "dispatch"). */
@Configuration(proxyBeanMethods = false)
public class WorkerRole {

    /** One per process, so its per-host pools are shared by all attempts. */
    @Bean(destroyMethod = "close")
    WebhookClient webhookClient(ChisSettings settings) {
        return new WebhookClient(
                settings.delivery().concurrency(), settings.delivery().timeout(), settings.allowPrivateTargets());
    }

    @Bean
    Worker worker(WorkQueue queue, WebhookSender sender, ChisSettings settings, MeterRegistry registry) {
        return new Worker(queue, sender, settings.delivery(), registry);
    }

    /** The delivery log's periodic summary line (DeliverySummary.PERIOD) while deliveries finish. */
    @Bean
    DeliverySummary deliverySummary(WorkQueue queue) {
        return new DeliverySummary(queue);
    }

    @Bean
    WebhookSender webhookSender(
            DeliveryRepository deliveries,
            MessageRepository messages,
            EndpointRepository endpoints,
            PolicyRepository policies,
            WorkQueue queue,
            WebhookClient client,
            TransactionalOperator tx,
            EndpointRateLimiter rateLimiter,
            OperationalEvents operational,
            DeliverySummary summary,
            ChisSettings settings,
            MeterRegistry registry) {
        return new WebhookSender(
                new Claims(deliveries, messages, tx, queue, settings.delivery().lease()),
                new Targets(
                        endpoints,
                        policies,
                        settings.delivery().defaultPolicy(),
                        DeliveryPolicy.defaults(client.timeout())),
                rateLimiter,
                settings.delivery().hostConcurrency(),
                new WebhookExchange(client),
                new OutcomeHandler(deliveries, endpoints, queue, summary, operational, registry));
    }
}
