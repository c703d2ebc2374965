package io.chis.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;

/** Desired state of a WebhookPlatform. Every field is optional except database and redis; defaults live in code. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookPlatformSpec {
    /** An OCI image reference: [registry/]path[:tag][@digest]. */
    public static final String IMAGE_PATTERN =
            "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$";

    @Pattern(IMAGE_PATTERN)
    @JsonPropertyDescription(
            "Runtime image for every role and the migration Job. Default ghcr.io/chis-io/chis-runtime:0.1.0.")
    private String image;

    @Pattern("^(Always|IfNotPresent|Never)$")
    @JsonPropertyDescription("Pull policy for the runtime image. Default IfNotPresent.")
    private String imagePullPolicy;

    @JsonPropertyDescription("The REST API role (port 8080) and its Service.")
    private ApiSpec api;

    @JsonPropertyDescription("The delivery role (gRPC 50051): persists messages and serves the admin API.")
    private RoleSpec delivery;

    @JsonPropertyDescription("The worker role: delivers queued messages.")
    private WorkerSpec worker;

    @JsonPropertyDescription("The scheduler role: retries when due, dead-letters, sweeps.")
    private RoleSpec scheduler;

    @JsonPropertyDescription("PostgreSQL: exactly one of managed or external.")
    private DatabaseSpec database;

    @JsonPropertyDescription("Redis: exactly one of managed or external.")
    private RedisSpec redis;

    @JsonPropertyDescription(
            "Secret key holding the JWT HMAC key (at least 32 bytes). Generated into <name>-runtime when absent.")
    private SecretKeyRef jwtSecretRef;

    @JsonPropertyDescription("Name of the DeliveryPolicy used when an endpoint names none (CHIS_DEFAULT_POLICY).")
    private String defaultPolicy;

    @Pattern("^(0|([0-9]+(s|m|h|d))+)$")
    @JsonPropertyDescription(
            "How long messages, deliveries and attempts are kept (CHIS_RETENTION), e.g. 30d or 12h; 0 keeps everything. "
                    + "Default: the runtime's 30d.")
    private String retention;

    @JsonPropertyDescription(
            "Let endpoints target private, loopback and link-local addresses (CHIS_ALLOW_PRIVATE_TARGETS). Default false.")
    private Boolean allowPrivateTargets;

    @JsonPropertyDescription("Who may scrape the roles' /metrics (port 9090) through the NetworkPolicies.")
    private MonitoringSpec monitoring;

    @JsonPropertyDescription("NetworkPolicies around the platform's pods.")
    private NetworkPolicySpec networkPolicy;

    @JsonPropertyDescription("Mutual TLS of the gRPC traffic between roles and from the operator.")
    private TlsSpec tls;

    @JsonPropertyDescription("OpenTelemetry traces of every role, exported over OTLP/HTTP. Default: off.")
    private TracingSpec tracing;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public ApiSpec getApi() {
        return api;
    }

    public void setApi(ApiSpec api) {
        this.api = api;
    }

    public RoleSpec getDelivery() {
        return delivery;
    }

    public void setDelivery(RoleSpec delivery) {
        this.delivery = delivery;
    }

    public WorkerSpec getWorker() {
        return worker;
    }

    public void setWorker(WorkerSpec worker) {
        this.worker = worker;
    }

    public RoleSpec getScheduler() {
        return scheduler;
    }

    public void setScheduler(RoleSpec scheduler) {
        this.scheduler = scheduler;
    }

    public DatabaseSpec getDatabase() {
        return database;
    }

    public void setDatabase(DatabaseSpec database) {
        this.database = database;
    }

    public RedisSpec getRedis() {
        return redis;
    }

    public void setRedis(RedisSpec redis) {
        this.redis = redis;
    }

    public SecretKeyRef getJwtSecretRef() {
        return jwtSecretRef;
    }

    public void setJwtSecretRef(SecretKeyRef jwtSecretRef) {
        this.jwtSecretRef = jwtSecretRef;
    }

    public String getDefaultPolicy() {
        return defaultPolicy;
    }

    public void setDefaultPolicy(String defaultPolicy) {
        this.defaultPolicy = defaultPolicy;
    }

    public String getRetention() {
        return retention;
    }

    public void setRetention(String retention) {
        this.retention = retention;
    }

    public Boolean getAllowPrivateTargets() {
        return allowPrivateTargets;
    }

    public void setAllowPrivateTargets(Boolean allowPrivateTargets) {
        this.allowPrivateTargets = allowPrivateTargets;
    }

    public MonitoringSpec getMonitoring() {
        return monitoring;
    }

    public void setMonitoring(MonitoringSpec monitoring) {
        this.monitoring = monitoring;
    }

    public NetworkPolicySpec getNetworkPolicy() {
        return networkPolicy;
    }

    public void setNetworkPolicy(NetworkPolicySpec networkPolicy) {
        this.networkPolicy = networkPolicy;
    }

    public TracingSpec getTracing() {
        return tracing;
    }

    public void setTracing(TracingSpec tracing) {
        this.tracing = tracing;
    }

    public TlsSpec getTls() {
        return tls;
    }

    public void setTls(TlsSpec tls) {
        this.tls = tls;
    }

    /** Where a workload's pods may run and how they spread: the pod spec's scheduling fields, passed through. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SchedulingSpec {
        @JsonPropertyDescription("How the pods spread over nodes and zones. A constraint without labelSelector "
                + "selects this workload's pods. Default for a role that can run more than one pod: spread across "
                + "topology.kubernetes.io/zone and kubernetes.io/hostname (maxSkew 1, ScheduleAnyway); [] for none.")
        private List<TopologySpreadConstraint> topologySpreadConstraints;

        @JsonPropertyDescription("PriorityClass of the pods.")
        private String priorityClassName;

        @JsonPropertyDescription("Node labels the pods must run on.")
        private Map<String, String> nodeSelector;

        @JsonPropertyDescription("Taints the pods tolerate.")
        private List<Toleration> tolerations;

        @JsonPropertyDescription("Node and pod (anti-)affinity of the pods.")
        private Affinity affinity;

        public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
            return topologySpreadConstraints;
        }

        public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
            this.topologySpreadConstraints = topologySpreadConstraints;
        }

        public String getPriorityClassName() {
            return priorityClassName;
        }

        public void setPriorityClassName(String priorityClassName) {
            this.priorityClassName = priorityClassName;
        }

        public Map<String, String> getNodeSelector() {
            return nodeSelector;
        }

        public void setNodeSelector(Map<String, String> nodeSelector) {
            this.nodeSelector = nodeSelector;
        }

        public List<Toleration> getTolerations() {
            return tolerations;
        }

        public void setTolerations(List<Toleration> tolerations) {
            this.tolerations = tolerations;
        }

        public Affinity getAffinity() {
            return affinity;
        }

        public void setAffinity(Affinity affinity) {
            this.affinity = affinity;
        }
    }

    /** Replicas, resources and scheduling of one runtime role. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RoleSpec extends SchedulingSpec {
        @Min(0)
        @JsonPropertyDescription("Pod count. Default 1.")
        private Integer replicas;

        @JsonPropertyDescription("Container resources. Default requests 100m CPU / 256Mi, limit 512Mi memory.")
        private ResourceRequirements resources;

        public Integer getReplicas() {
            return replicas;
        }

        public void setReplicas(Integer replicas) {
            this.replicas = replicas;
        }

        public ResourceRequirements getResources() {
            return resources;
        }

        public void setResources(ResourceRequirements resources) {
            this.resources = resources;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class WorkerSpec extends RoleSpec {
        @Min(1)
        @JsonPropertyDescription("Deliveries in flight per worker pod (CHIS_WORKER_CONCURRENCY). Default 64.")
        private Integer concurrency;

        @JsonPropertyDescription("Scale the worker on its backlog (KEDA when installed, else an HPA on CPU); "
                + "replicas is then ignored.")
        private AutoscalingSpec autoscaling;

        public Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }

        public AutoscalingSpec getAutoscaling() {
            return autoscaling;
        }

        public void setAutoscaling(AutoscalingSpec autoscaling) {
            this.autoscaling = autoscaling;
        }
    }

    @ValidationRule(
            value = "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
            message = "autoscaling.minReplicas must not exceed maxReplicas")
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AutoscalingSpec {
        @Min(1)
        @JsonPropertyDescription("Fewest pods. Default 1.")
        private Integer minReplicas;

        @Min(1)
        @JsonPropertyDescription("Most pods; the roles' database pools are sized for this many. Default 10.")
        private Integer maxReplicas;

        @Min(1)
        @JsonPropertyDescription("Worker with KEDA: pending plus waiting deliveries in the chis-workers group per pod "
                + "(the redis-streams trigger's pendingEntriesCount and lagCount). Default 1000.")
        private Integer targetBacklogPerReplica;

        @Min(1)
        @JsonPropertyDescription("HPA: average CPU use in percent of the pods' CPU request. Default 70.")
        private Integer targetCPUUtilizationPercentage;

        @JsonPropertyDescription("Namespace KEDA runs in: its NetworkPolicy peer for Redis. Default keda.")
        private String kedaNamespace;

        public Integer getMinReplicas() {
            return minReplicas;
        }

        public void setMinReplicas(Integer minReplicas) {
            this.minReplicas = minReplicas;
        }

        public Integer getMaxReplicas() {
            return maxReplicas;
        }

        public void setMaxReplicas(Integer maxReplicas) {
            this.maxReplicas = maxReplicas;
        }

        public Integer getTargetBacklogPerReplica() {
            return targetBacklogPerReplica;
        }

        public void setTargetBacklogPerReplica(Integer targetBacklogPerReplica) {
            this.targetBacklogPerReplica = targetBacklogPerReplica;
        }

        public Integer getTargetCPUUtilizationPercentage() {
            return targetCPUUtilizationPercentage;
        }

        public void setTargetCPUUtilizationPercentage(Integer targetCPUUtilizationPercentage) {
            this.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage;
        }

        public String getKedaNamespace() {
            return kedaNamespace;
        }

        public void setKedaNamespace(String kedaNamespace) {
            this.kedaNamespace = kedaNamespace;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ApiSpec extends RoleSpec {
        @JsonPropertyDescription("The api Service.")
        private ServiceSpec service;

        @JsonPropertyDescription("An Ingress in front of the api Service (TLS at the edge).")
        private IngressSpec ingress;

        @Pattern("^(open|closed)$")
        @JsonPropertyDescription(
                "Whether anyone may register an account over REST (CHIS_REGISTRATION). Default closed.")
        private String registration;

        @JsonPropertyDescription("Who may reach the REST port (8080) through the NetworkPolicy. Default: anyone.")
        private List<NetworkPolicyPeer> allowedFrom;

        @JsonPropertyDescription("An HPA on CPU for the api; replicas is then ignored.")
        private AutoscalingSpec autoscaling;

        public AutoscalingSpec getAutoscaling() {
            return autoscaling;
        }

        public void setAutoscaling(AutoscalingSpec autoscaling) {
            this.autoscaling = autoscaling;
        }

        public ServiceSpec getService() {
            return service;
        }

        public void setService(ServiceSpec service) {
            this.service = service;
        }

        public IngressSpec getIngress() {
            return ingress;
        }

        public void setIngress(IngressSpec ingress) {
            this.ingress = ingress;
        }

        public String getRegistration() {
            return registration;
        }

        public void setRegistration(String registration) {
            this.registration = registration;
        }

        public List<NetworkPolicyPeer> getAllowedFrom() {
            return allowedFrom;
        }

        public void setAllowedFrom(List<NetworkPolicyPeer> allowedFrom) {
            this.allowedFrom = allowedFrom;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IngressSpec {
        @JsonPropertyDescription("IngressClass name, e.g. nginx. Default: the cluster's default class.")
        private String className;

        @io.fabric8.generator.annotation.Required
        @JsonPropertyDescription("Host name the API is served at.")
        private String host;

        @JsonPropertyDescription(
                "Secret with the TLS certificate for the host (e.g. written by cert-manager). Without it: plain HTTP.")
        private String tlsSecretName;

        @JsonPropertyDescription("Extra annotations, e.g. cert-manager.io/cluster-issuer.")
        private Map<String, String> annotations;

        public String getClassName() {
            return className;
        }

        public void setClassName(String className) {
            this.className = className;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public String getTlsSecretName() {
            return tlsSecretName;
        }

        public void setTlsSecretName(String tlsSecretName) {
            this.tlsSecretName = tlsSecretName;
        }

        public Map<String, String> getAnnotations() {
            return annotations;
        }

        public void setAnnotations(Map<String, String> annotations) {
            this.annotations = annotations;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class MonitoringSpec {
        @JsonPropertyDescription("Namespaces whose pods may scrape /metrics. Default: every namespace.")
        private LabelSelector namespaceSelector;

        public LabelSelector getNamespaceSelector() {
            return namespaceSelector;
        }

        public void setNamespaceSelector(LabelSelector namespaceSelector) {
            this.namespaceSelector = namespaceSelector;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NetworkPolicySpec {
        @JsonPropertyDescription("Create the NetworkPolicies. Default true.")
        private Boolean enabled;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TracingSpec {
        @Pattern("^https?://.+")
        @JsonPropertyDescription(
                "The OTLP/HTTP collector (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://otel-collector.observability:4318;"
                        + " spans go to <otlpEndpoint>/v1/traces. Unset: tracing off.")
        private String otlpEndpoint;

        @Pattern("^(parentbased_)?(always_on|always_off|traceidratio)$")
        @JsonPropertyDescription("Which traces are kept (OTEL_TRACES_SAMPLER). Default: parentbased_always_on.")
        private String sampler;

        @Pattern("^(0(\\.[0-9]+)?|1(\\.0+)?)$")
        @JsonPropertyDescription("The ratio of a traceidratio sampler (OTEL_TRACES_SAMPLER_ARG), e.g. 0.1.")
        private String samplerArg;

        public String getOtlpEndpoint() {
            return otlpEndpoint;
        }

        public void setOtlpEndpoint(String otlpEndpoint) {
            this.otlpEndpoint = otlpEndpoint;
        }

        public String getSampler() {
            return sampler;
        }

        public void setSampler(String sampler) {
            this.sampler = sampler;
        }

        public String getSamplerArg() {
            return samplerArg;
        }

        public void setSamplerArg(String samplerArg) {
            this.samplerArg = samplerArg;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TlsSpec {
        @JsonPropertyDescription(
                "Mutual TLS on every gRPC connection (roles and operator), certificates in Secret <name>-grpc-tls."
                        + " Default true; false sends the gRPC traffic in plaintext (tokens still required).")
        private Boolean enabled;

        @JsonPropertyDescription(
                "A cert-manager Issuer or ClusterIssuer to issue the gRPC certificates. Default: the operator's own CA.")
        private IssuerRef issuerRef;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public IssuerRef getIssuerRef() {
            return issuerRef;
        }

        public void setIssuerRef(IssuerRef issuerRef) {
            this.issuerRef = issuerRef;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IssuerRef {
        @io.fabric8.generator.annotation.Required
        @JsonPropertyDescription("Name of the Issuer.")
        private String name;

        @Pattern("^(Issuer|ClusterIssuer)$")
        @JsonPropertyDescription("Issuer or ClusterIssuer. Default Issuer.")
        private String kind;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getKind() {
            return kind;
        }

        public void setKind(String kind) {
            this.kind = kind;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServiceSpec {
        @Pattern("^(ClusterIP|NodePort|LoadBalancer)$")
        @JsonPropertyDescription(
                "Service type. Default ClusterIP: expose the API through spec.api.ingress, or choose LoadBalancer.")
        private String type;

        @JsonPropertyDescription("Extra annotations for the Service (e.g. for a cloud load balancer).")
        private Map<String, String> annotations;

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public Map<String, String> getAnnotations() {
            return annotations;
        }

        public void setAnnotations(Map<String, String> annotations) {
            this.annotations = annotations;
        }
    }

    @ValidationRule(
            value = "(has(self.managed) ? 1 : 0) + (has(self.external) ? 1 : 0) + (has(self.cnpg) ? 1 : 0) == 1",
            message = "set exactly one of database.managed, database.external or database.cnpg")
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DatabaseSpec {
        @JsonPropertyDescription("A PostgreSQL 16 StatefulSet run by the operator.")
        private ManagedDatabase managed;

        @JsonPropertyDescription("An existing PostgreSQL; its URL comes from a Secret.")
        private ExternalDatabase external;

        @JsonPropertyDescription("A CloudNativePG Cluster (needs the CloudNativePG operator): HA PostgreSQL.")
        private CnpgDatabase cnpg;

        public CnpgDatabase getCnpg() {
            return cnpg;
        }

        public void setCnpg(CnpgDatabase cnpg) {
            this.cnpg = cnpg;
        }

        public ManagedDatabase getManaged() {
            return managed;
        }

        public void setManaged(ManagedDatabase managed) {
            this.managed = managed;
        }

        public ExternalDatabase getExternal() {
            return external;
        }

        public void setExternal(ExternalDatabase external) {
            this.external = external;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CnpgDatabase {
        @Min(1)
        @JsonPropertyDescription("PostgreSQL instances: one primary, the rest streaming replicas. Default 2 (HA).")
        private Integer instances;

        @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
        @JsonPropertyDescription("Volume size per instance. Default 20Gi.")
        private String storage;

        @JsonPropertyDescription("StorageClass of the volumes. Default: the cluster's default class.")
        private String storageClassName;

        @JsonPropertyDescription("Resources of each instance.")
        private ResourceRequirements resources;

        @Min(20)
        @JsonPropertyDescription(
                "PostgreSQL max_connections; the roles' pools are sized to stay under it. Default 100.")
        private Integer maxConnections;

        @JsonPropertyDescription("Backups by CloudNativePG to an object store (Barman): continuous WAL archiving, "
                + "and base backups on a schedule. Default: none.")
        private CnpgBackup backup;

        public CnpgBackup getBackup() {
            return backup;
        }

        public void setBackup(CnpgBackup backup) {
            this.backup = backup;
        }

        public Integer getInstances() {
            return instances;
        }

        public void setInstances(Integer instances) {
            this.instances = instances;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }

        public String getStorageClassName() {
            return storageClassName;
        }

        public void setStorageClassName(String storageClassName) {
            this.storageClassName = storageClassName;
        }

        public ResourceRequirements getResources() {
            return resources;
        }

        public void setResources(ResourceRequirements resources) {
            this.resources = resources;
        }

        public Integer getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(Integer maxConnections) {
            this.maxConnections = maxConnections;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ManagedDatabase extends SchedulingSpec {
        @Pattern("^postgres:16[A-Za-z0-9._-]*$")
        @JsonPropertyDescription("PostgreSQL image. Default postgres:16.")
        private String image;

        @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
        @JsonPropertyDescription(
                "PersistentVolumeClaim size. A bigger value grows the existing claim where its StorageClass "
                        + "allows volume expansion; a smaller one is refused. Default 20Gi.")
        private String storage;

        @JsonPropertyDescription("StorageClass of the claim. Default: the cluster's default class.")
        private String storageClassName;

        @JsonPropertyDescription("Container resources.")
        private ResourceRequirements resources;

        @Min(20)
        @JsonPropertyDescription(
                "PostgreSQL max_connections; the roles' pools are sized to stay under it. Default 100.")
        private Integer maxConnections;

        public Integer getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(Integer maxConnections) {
            this.maxConnections = maxConnections;
        }

        public String getImage() {
            return image;
        }

        public void setImage(String image) {
            this.image = image;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }

        public String getStorageClassName() {
            return storageClassName;
        }

        public void setStorageClassName(String storageClassName) {
            this.storageClassName = storageClassName;
        }

        public ResourceRequirements getResources() {
            return resources;
        }

        public void setResources(ResourceRequirements resources) {
            this.resources = resources;
        }
    }

    @ValidationRule(
            value = "has(self.managed) != has(self.external)",
            message = "set exactly one of redis.managed or redis.external")
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RedisSpec {
        @JsonPropertyDescription("A Redis 7.2 run by the operator.")
        private ManagedRedis managed;

        @JsonPropertyDescription("An existing Redis; its URL comes from a Secret.")
        private ExternalStore external;

        public ManagedRedis getManaged() {
            return managed;
        }

        public void setManaged(ManagedRedis managed) {
            this.managed = managed;
        }

        public ExternalStore getExternal() {
            return external;
        }

        public void setExternal(ExternalStore external) {
            this.external = external;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ManagedRedis extends SchedulingSpec {
        @Pattern("^redis:7\\.2[A-Za-z0-9._-]*$")
        @JsonPropertyDescription("Redis image. Default redis:7.2.")
        private String image;

        @JsonPropertyDescription("Container resources.")
        private ResourceRequirements resources;

        @JsonPropertyDescription("Keep the queue on a PersistentVolumeClaim (AOF, fsync every second). Default: off, "
                + "in memory only; PostgreSQL's sweep re-queues what a restart lost.")
        private RedisPersistence persistence;

        public RedisPersistence getPersistence() {
            return persistence;
        }

        public void setPersistence(RedisPersistence persistence) {
            this.persistence = persistence;
        }

        public String getImage() {
            return image;
        }

        public void setImage(String image) {
            this.image = image;
        }

        public ResourceRequirements getResources() {
            return resources;
        }

        public void setResources(ResourceRequirements resources) {
            this.resources = resources;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ExternalStore {
        @io.fabric8.generator.annotation.Required
        @JsonPropertyDescription("Secret key holding the connection URL.")
        private SecretKeyRef urlSecretRef;

        public SecretKeyRef getUrlSecretRef() {
            return urlSecretRef;
        }

        public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
            this.urlSecretRef = urlSecretRef;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ExternalDatabase extends ExternalStore {
        @Min(10)
        @JsonPropertyDescription("Connections this platform may open to the database (its share of max_connections); "
                + "the roles' pools are sized to stay under it. Default 100.")
        private Integer maxConnections;

        public Integer getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(Integer maxConnections) {
            this.maxConnections = maxConnections;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RedisPersistence {
        @JsonPropertyDescription("Write an append-only file to a claim. Default false.")
        private Boolean enabled;

        @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
        @JsonPropertyDescription(
                "PersistentVolumeClaim size; grown in place where its StorageClass allows. Default 2Gi.")
        private String storage;

        @JsonPropertyDescription("StorageClass of the claim. Default: the cluster's default class.")
        private String storageClassName;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }

        public String getStorageClassName() {
            return storageClassName;
        }

        public void setStorageClassName(String storageClassName) {
            this.storageClassName = storageClassName;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CnpgBackup {
        @io.fabric8.generator.annotation.Required
        @PreserveUnknownFields
        @JsonPropertyDescription("CloudNativePG's Cluster spec.backup.barmanObjectStore, passed on as it is: "
                + "destinationPath, endpointURL, s3Credentials (or azureCredentials, googleCredentials), wal, data.")
        private JsonNode barmanObjectStore;

        @Pattern("^[1-9][0-9]*[dwm]$")
        @JsonPropertyDescription(
                "How long CloudNativePG keeps backups and WAL in the store, e.g. 30d. Default: for ever.")
        private String retentionPolicy;

        @JsonPropertyDescription("Base backups on this schedule (a ScheduledBackup <name>-postgres): six-field cron, "
                + "seconds first, e.g. '0 0 3 * * *'. Default: none, WAL archiving only.")
        private String schedule;

        public JsonNode getBarmanObjectStore() {
            return barmanObjectStore;
        }

        public void setBarmanObjectStore(JsonNode barmanObjectStore) {
            this.barmanObjectStore = barmanObjectStore;
        }

        public String getRetentionPolicy() {
            return retentionPolicy;
        }

        public void setRetentionPolicy(String retentionPolicy) {
            this.retentionPolicy = retentionPolicy;
        }

        public String getSchedule() {
            return schedule;
        }

        public void setSchedule(String schedule) {
            this.schedule = schedule;
        }
    }
}
