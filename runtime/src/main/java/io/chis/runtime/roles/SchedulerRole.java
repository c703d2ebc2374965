package io.chis.runtime.roles;

import io.chis.runtime.config.ChisSettings;
import io.chis.runtime.dispatch.DeliveryRepository;
import io.chis.runtime.endpoint.EndpointRepository;
import io.chis.runtime.endpoint.FailingEndpoints;
import io.chis.runtime.operational.OperationalEvents;
import io.chis.runtime.persist.HistoryPartitions;
import io.chis.runtime.persist.MessageRepository;
import io.chis.runtime.queue.WorkQueue;
import io.chis.runtime.recovery.RecoveryRunner;
import io.chis.runtime.recovery.RecoveryService;
import io.chis.runtime.schedule.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The scheduler role: queues due retries, re-queues what Redis lost, prunes departed workers, runs recoveries. */
@Configuration(proxyBeanMethods = false)
public class SchedulerRole {

    @Bean
    Scheduler scheduler(
            WorkQueue queue,
            DeliveryRepository deliveries,
            MessageRepository messages,
            ChisSettings settings,
            HistoryPartitions history,
            EndpointRepository endpoints,
            OperationalEvents operational,
            MeterRegistry registry) {
        return new Scheduler(
                queue,
                deliveries,
                messages,
                settings.delivery(),
                history,
                new FailingEndpoints(endpoints, operational, settings.delivery().endpointDisableAfter()),
                registry);
    }

    @Bean
    RecoveryRunner recoveryRunner(
            RecoveryService recoveries, WorkQueue queue, OperationalEvents operational, ChisSettings settings) {
        return new RecoveryRunner(
                recoveries, queue, operational, settings.delivery().schedulerTick(), RecoveryRunner.BATCH);
    }
}
