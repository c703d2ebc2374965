package io.chis.runtime.tracing;

import ch.qos.logback.core.PropertyDefinerBase;
import io.chis.runtime.config.Setting;
import java.util.Locale;
import org.springframework.core.env.AbstractEnvironment;
import org.springframework.core.env.Environment;

/**
 * {@code CHIS_LOG_FORMAT} for logback.xml: {@code text} (the default) or {@code json}, Spring Boot's structured
 * logging in the ECS format ({@code logstash} and {@code ecs} name a format outright). Defines which of Spring Boot's
 * console appenders logback.xml includes, and {@link Structured} which structured format it writes.
 */
public class LogFormat extends PropertyDefinerBase {

    /** The structured format named by {@code value}, or null for plain text. */
    static String structured(String value) {
        String format = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "json", "ecs" -> "ecs";
            case "logstash" -> "logstash";
            default -> null;
        };
    }

    @Override
    public String getPropertyValue() {
        if (structured(Setting.CHIS_LOG_FORMAT.value(System.getenv())) == null) return "console";
        // Spring Boot's encoder reads the Spring Environment from the logger context: until Spring starts (the
        // stores, the migrations) a plain one, which Spring Boot replaces with its own when it configures logging
        if (getContext().getObject(Environment.class.getName()) == null) {
            getContext().putObject(Environment.class.getName(), new AbstractEnvironment() {});
        }
        return "structured-console";
    }

    /** The structured format's name for Spring Boot's encoder. */
    public static class Structured extends PropertyDefinerBase {
        @Override
        public String getPropertyValue() {
            String format = structured(Setting.CHIS_LOG_FORMAT.value(System.getenv()));
            return format == null ? "" : format;
        }
    }
}
