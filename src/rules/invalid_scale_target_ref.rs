use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks an HPA's `scaleTargetRef` as the API server does: `kind` and `name` are set and
    /// are valid path segments (no `/`, `%`, `.` or `..`), and `apiVersion` is a
    /// `group/version` with a group (only a `ReplicationController` may omit it).
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`spec.scaleTargetRef.kind: Required value`,
    /// `apiVersion must specify API group`), so `kubectl apply` fails. An HPA that does not say
    /// what it scales scales nothing.
    ///
    /// ## Example
    /// ```yaml
    /// scaleTargetRef:
    ///   apiVersion: v1
    ///   name: web
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleTargetRef:
    ///   apiVersion: apps/v1
    ///   kind: Deployment
    ///   name: web
    /// ```
    pub static INVALID_SCALE_TARGET_REF = {
        code: "SG502", name: "invalid-scale-target-ref", severity: Error, commands: [Check],
    };
}

/// The help for an error at `field` (a field path).
pub fn help(field: &str) -> String {
    match field.rsplit('.').next() {
        Some("kind") => {
            "name the kind of the workload to scale: `Deployment`, `StatefulSet` or `ReplicaSet`"
                .into()
        }
        Some("name") => "name the workload to scale, as its `metadata.name`".into(),
        Some("apiVersion") => {
            "write the workload's API group and version, such as `apps/v1`".into()
        }
        _ => "give `scaleTargetRef` the `apiVersion`, `kind` and `name` of the workload".into(),
    }
}
