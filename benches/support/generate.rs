//! A generated monorepo-sized input for the `check` benchmark and for measuring memory: one
//! file per application, each with a Deployment, its HPA, a Service and a ConfigMap (four
//! manifests of about 2 KB each, like `helm template` output). Deterministic; about 1% of the
//! HPAs have a problem, so diagnostics are produced too.
//!
//! Used by `benches/check.rs` and `examples/generate_manifests.rs` (a module of each, not a
//! bench target of its own).

use std::fmt::Write as _;
use std::path::Path;

/// Manifests per application.
pub const PER_APP: usize = 4;

/// Writes `apps` applications (`4 × apps` manifests) under `dir`; returns the bytes written.
pub fn write(dir: &Path, apps: usize) -> std::io::Result<u64> {
    let mut bytes = 0;
    for app in 0..apps {
        let team = format!("team-{:02}", app % 40);
        let path = dir.join(&team).join(format!("app-{app:05}.yaml"));
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        let text = application(app, &team);
        bytes += text.len() as u64;
        std::fs::write(path, text)?;
    }
    Ok(bytes)
}

fn application(app: usize, team: &str) -> String {
    let name = format!("app-{app:05}");
    let cpu = 100 + (app % 8) * 50;
    let memory = 128 << (app % 4);
    let (min, max) = if app % 100 == 7 {
        (3, 3)
    } else {
        (2, 4 + app % 12)
    };
    let mut env = String::new();
    for i in 0..24 {
        let _ = write!(
            env,
            "            - name: SETTING_{i:02}\n              value: \"value-{app}-{i}\"\n"
        );
    }
    let mut data = String::new();
    for i in 0..64 {
        let _ = writeln!(
            data,
            "  key-{i:02}.properties: \"feature.{i}.enabled=true\""
        );
    }
    format!(
        r#"# Source: {name}/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {team}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/instance: {name}
    app.kubernetes.io/part-of: {team}
    helm.sh/chart: {name}-1.4.2
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  strategy:
    type: RollingUpdate
    rollingUpdate: {{ maxSurge: 25%, maxUnavailable: 0 }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/instance: {name}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {name}
      securityContext: {{ runAsNonRoot: true, runAsUser: 10001 }}
      containers:
        - name: {name}
          image: "registry.example.com/{team}/{name}:1.4.2"
          imagePullPolicy: IfNotPresent
          ports:
            - {{ name: http, containerPort: 8080, protocol: TCP }}
            - {{ name: metrics, containerPort: 9090, protocol: TCP }}
          env:
{env}          readinessProbe:
            httpGet: {{ path: /ready, port: http }}
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            httpGet: {{ path: /healthz, port: http }}
            initialDelaySeconds: 15
            periodSeconds: 20
          resources:
            requests: {{ cpu: {cpu}m, memory: {memory}Mi }}
            limits: {{ memory: {memory}Mi }}
          volumeMounts:
            - {{ name: config, mountPath: /etc/{name} }}
      volumes:
        - name: config
          configMap: {{ name: {name} }}
---
# Source: {name}/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {team}
  labels:
    app.kubernetes.io/name: {name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: {min}
  maxReplicas: {max}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {{ type: Utilization, averageUtilization: 70 }}
    - type: Resource
      resource:
        name: memory
        target: {{ type: Utilization, averageUtilization: 80 }}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 60
      selectPolicy: Max
      policies:
        - {{ type: Percent, value: 50, periodSeconds: 60 }}
        - {{ type: Pods, value: 2, periodSeconds: 60 }}
    scaleDown:
      stabilizationWindowSeconds: 300
      selectPolicy: Min
      policies:
        - {{ type: Percent, value: 25, periodSeconds: 60 }}
---
# Source: {name}/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {team}
  labels:
    app.kubernetes.io/name: {name}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - {{ name: http, port: 80, targetPort: http }}
---
# Source: {name}/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  namespace: {team}
data:
{data}"#
    )
}
