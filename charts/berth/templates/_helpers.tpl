{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "berth.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name used as the prefix of every object. */}}
{{- define "berth.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "berth.labels" -}}
app.kubernetes.io/name: {{ include "berth.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "apiserver"). */}}
{{- define "berth.selector" -}}
app.kubernetes.io/name: {{ include "berth.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "berth.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "berth.etcdEndpoint" -}}
{{- if .Values.etcd.enabled -}}
http://{{ include "berth.fullname" . }}-etcd:2379
{{- else -}}
{{ .Values.etcd.endpoint }}
{{- end -}}
{{- end -}}

{{- define "berth.natsUrl" -}}
{{- if .Values.nats.enabled -}}
nats://{{ include "berth.fullname" . }}-nats:4222
{{- else -}}
{{ .Values.nats.url }}
{{- end -}}
{{- end -}}

{{/* The apiserver's Service by its full DNS name: the agents use the host network and its resolver path. */}}
{{- define "berth.apiserverAddress" -}}
{{ include "berth.fullname" . }}-apiserver.{{ .Release.Namespace }}.svc:{{ .Values.apiserver.port }}
{{- end -}}

{{/* The pod's own name, for leader-election identities (expanded by Kubernetes in args). */}}
{{- define "berth.podNameEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{- define "berth.registryVolume" -}}
{{- if .Values.registries }}
- name: registries
  configMap:
    name: {{ include "berth.fullname" . }}-registries
{{- end }}
{{- end -}}

{{- define "berth.registryMount" -}}
{{- if .Values.registries }}
- name: registries
  mountPath: /etc/berth
  readOnly: true
{{- end }}
{{- end -}}

{{- define "berth.registryFlag" -}}
{{- if .Values.registries }}
- --registry-config
- /etc/berth/registries.yaml
{{- end }}
{{- end -}}

{{- define "berth.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
