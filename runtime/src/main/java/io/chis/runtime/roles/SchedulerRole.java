package io.chis.runtime.roles;

import io.chis.runtime.schedule.Scheduler;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The scheduler role: queues due retries, re-queues what Redis lost, prunes departed workers. */
@Configuration(proxyBeanMethods = false)
@Import(Scheduler.class)
public class SchedulerRole {}
