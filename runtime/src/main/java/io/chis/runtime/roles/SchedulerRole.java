package io.chis.runtime.roles;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.dispatch.DeliveryRepository;
import io.chis.runtime.persist.HistoryPartitions;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.schedule.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The scheduler role: queues due retries, re-queues what Redis lost, prunes departed workers. */
@Configuration(proxyBeanMethods = false)
public class SchedulerRole {

    @Bean
    Scheduler scheduler(
            WorkQueue queue,
            DeliveryRepository deliveries,
            MessageRepository messages,
            ChisSettings settings,
            HistoryPartitions history,
            MeterRegistry registry) {
        return new Scheduler(queue, deliveries, messages, settings.delivery(), history, registry);
    }
}
