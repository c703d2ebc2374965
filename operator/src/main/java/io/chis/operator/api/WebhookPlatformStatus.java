package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of a WebhookPlatform, with the effective values the operator applied. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookPlatformStatus extends StatusWithConditions {
    @JsonPropertyDescription(
            "Where the REST API answers: the load balancer's address when it has one, else the Service DNS name.")
    private String apiUrl;

    @JsonPropertyDescription("Effective runtime image.")
    private String image;

    @JsonPropertyDescription("managed or external.")
    private String database;

    @JsonPropertyDescription("managed or external.")
    private String redis;

    @JsonPropertyDescription("Name of the migration Job for the current image and database.")
    private String migrationJob;

    @JsonPropertyDescription("Who sets the worker's replicas: keda, hpa or none (spec.worker.replicas).")
    private String workerAutoscaler;

    @JsonPropertyDescription("Who sets the api's replicas: hpa or none (spec.api.replicas).")
    private String apiAutoscaler;

    public String getWorkerAutoscaler() {
        return workerAutoscaler;
    }

    public void setWorkerAutoscaler(String workerAutoscaler) {
        this.workerAutoscaler = workerAutoscaler;
    }

    public String getApiAutoscaler() {
        return apiAutoscaler;
    }

    public void setApiAutoscaler(String apiAutoscaler) {
        this.apiAutoscaler = apiAutoscaler;
    }

    public String getApiUrl() {
        return apiUrl;
    }

    public void setApiUrl(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getRedis() {
        return redis;
    }

    public void setRedis(String redis) {
        this.redis = redis;
    }

    public String getMigrationJob() {
        return migrationJob;
    }

    public void setMigrationJob(String migrationJob) {
        this.migrationJob = migrationJob;
    }
}
