{{/* The chart's name, or nameOverride. */}}
{{- define "chis-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of the operator's own objects: fullnameOverride, else the release name when it already says chis-operator. */}}
{{- define "chis-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "chis-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object the chart renders. */}}
{{- define "chis-operator.labels" -}}
helm.sh/chart: {{ include "chis-operator.chart" . }}
{{ include "chis-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: chis
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The operator pod's labels; the Deployment selects on them, so they never change. */}}
{{- define "chis-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chis-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "chis-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chis-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "chis-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
What the operator does and nothing more (the same rules as config/rbac/role.yaml): reads its custom resources,
writes their status and the finalizers of policies and endpoints; creates, updates and deletes the children of a
WebhookPlatform (and an endpoint's signing Secret); reads the Secrets a spec names; records Events.
*/}}
{{- define "chis-operator.rules" -}}
- apiGroups: ["chis.io"]
  resources: ["webhookplatforms"]
  verbs: ["get", "list", "watch"]
# policies, endpoints and event types have a copy in the runtime: a finalizer (added and removed with patch) deletes it
- apiGroups: ["chis.io"]
  resources: ["deliverypolicies", "webhookendpoints", "webhookeventtypes"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["chis.io"]
  resources: ["webhookplatforms/status", "deliverypolicies/status", "webhookendpoints/status", "webhookeventtypes/status"]
  verbs: ["get", "patch", "update"]
# owner references with blockOwnerDeletion need this where OwnerReferencesPermissionEnforcement is on:
# a platform owns its children, an endpoint its generated signing Secret
- apiGroups: ["chis.io"]
  resources: ["webhookplatforms/finalizers", "webhookendpoints/finalizers"]
  verbs: ["update"]
# persistentvolumeclaims: the managed Redis's claim (persistence), and growing the stores' claims (storage)
- apiGroups: [""]
  resources: ["secrets", "services", "persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments", "statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# the api Ingress (spec.api.ingress) and the NetworkPolicies around a platform's pods
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses", "networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# KEDA's ScaledObject and TriggerAuthentication on the worker (spec.worker.autoscaling)
- apiGroups: ["keda.sh"]
  resources: ["scaledobjects", "triggerauthentications"]
  verbs: ["get", "list", "create", "update", "patch", "delete"]
# CloudNativePG's Cluster (spec.database.cnpg) and the ScheduledBackup of its backup.schedule
- apiGroups: ["postgresql.cnpg.io"]
  resources: ["clusters", "scheduledbackups"]
  verbs: ["get", "list", "create", "update", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "patch"]
# the Certificate of a platform whose spec.tls.issuerRef names a cert-manager issuer (server-side apply patches)
- apiGroups: ["cert-manager.io"]
  resources: ["certificates"]
  verbs: ["get", "create", "update", "patch", "delete"]
{{- end }}

{{/*
Cluster-wide, also when watching listed namespaces: whether KEDA (spec.worker.autoscaling), CloudNativePG
(spec.database.cnpg) and cert-manager (spec.tls.issuerRef) are installed, read by CRD name; and whether a store's
StorageClass allows volume expansion (a bigger storage).
*/}}
{{- define "chis-operator.clusterRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["scaledobjects.keda.sh", "clusters.postgresql.cnpg.io", "certificates.cert-manager.io"]
  verbs: ["get"]
- apiGroups: ["storage.k8s.io"]
  resources: ["storageclasses"]
  verbs: ["get"]
{{- end }}

{{/* Namespaces the metrics come from: podMonitor.namespaces, else watchNamespaces (empty: all). */}}
{{- define "chis-operator.metricsNamespaces" -}}
{{- default .Values.watchNamespaces .Values.podMonitor.namespaces | toJson }}
{{- end }}
