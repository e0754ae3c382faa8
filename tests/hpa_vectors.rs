//! Runs the HPA decision test vectors against `scalegen::hpa`.
//!
//! Two files, same format (see the `about` of `tests/fixtures/hpa/vectors.json`):
//! the vectors transcribed from Kubernetes' unit tests (or the file named by
//! `SCALEGEN_HPA_VECTORS`), and scalegen's own vectors for the branches those
//! do not reach. Every vector of every group is checked; an unknown group, an
//! input key the harness does not map, or an expected key it cannot compute
//! is a failure, never a skip.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use scalegen::hpa::{
    Behavior, Container, ControllerConfig, FeatureGates, HpaSpec, HpaState, HpaStatus,
    MetricSourceType, MetricSpec, Observation, Pod, PodMetricValue, PodPhase, PodReadiness,
    PodUsage, Recommendation, ReplicaRange, Scale, ScaleEvent, ScaleEvents, ScalingRules,
    SelectorState, SimTime, Tolerances, conditions, limit_legacy, limit_with_behaviors, reconcile,
    replicas_changed_within, scale_down_limit, scale_up_limit, stabilize_legacy,
    stabilize_with_behaviors, store_scale_event,
};
use serde_json::{Map, Value, json};

/// The instant every vector's function reads as "now"; ages count back from it.
const NOW: SimTime = SimTime(1_000_000_000_000);

#[test]
fn upstream_vectors() {
    let path = std::env::var_os("SCALEGEN_HPA_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| fixture("vectors.json"));
    run_and_report(&path, "hpa vectors");
}

/// More rows of the same upstream tests than the shared file holds, transcribed by us.
#[test]
fn upstream_extra_vectors() {
    run_and_report(
        &fixture("upstream-extra-vectors.json"),
        "upstream extra hpa vectors",
    );
}

#[test]
fn scalegen_vectors() {
    run_and_report(&fixture("scalegen-vectors.json"), "scalegen hpa vectors");
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hpa")
        .join(name)
}

fn run_and_report(path: &Path, label: &str) {
    let (passed, failures) = match load(path) {
        Ok(file) => run_file(&file),
        Err(problem) => (0, vec![problem]),
    };
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!("{label}: {passed} passed, {} failed", failures.len());
    if !failures.is_empty() {
        // Fail without the panic hook's message, so the summary stays the
        // last line this test prints.
        std::panic::resume_unwind(Box::new(format!("{label}: {} failed", failures.len())));
    }
}

fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("{}: cannot read: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: not JSON: {error}", path.display()))
}

/// Returns the number passed and one line per failing vector.
fn run_file(file: &Value) -> (usize, Vec<String>) {
    let Some(vectors) = file.get("vectors").and_then(Value::as_array) else {
        return (0, vec!["file: no `vectors` array".to_string()]);
    };
    if let Some(note) = count_note(file, vectors) {
        println!("note: {note}");
    }
    let mut passed = 0;
    let mut failures = Vec::new();
    for (index, vector) in vectors.iter().enumerate() {
        let id = vector
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("vectors[{index}]"), str::to_string);
        match check_vector(vector) {
            Ok(()) => passed += 1,
            Err(detail) => failures.push(format!("{id}: {detail}")),
        }
    }
    (passed, failures)
}

/// The `about.counts` of the upstream file lists how many vectors each group
/// had when it was transcribed; a copy that holds fewer is worth a note.
fn count_note(file: &Value, vectors: &[Value]) -> Option<String> {
    let counts = file.pointer("/about/counts")?.as_object()?;
    let mut present: BTreeMap<String, u64> = BTreeMap::new();
    for vector in vectors {
        if let Some(group) = vector.get("group").and_then(Value::as_str) {
            *present.entry(group.to_string()).or_default() += 1;
        }
    }
    let differing: Vec<String> = counts
        .iter()
        .filter(|(group, _)| group.as_str() != "total")
        .filter_map(|(group, listed)| {
            let listed = listed.as_u64()?;
            let found = present.get(group).copied().unwrap_or(0);
            (listed != found).then(|| format!("{group} {found}/{listed}"))
        })
        .collect();
    (!differing.is_empty()).then(|| {
        format!(
            "this file holds {} vectors, fewer than about.counts lists: {}",
            vectors.len(),
            differing.join(", ")
        )
    })
}

fn check_vector(vector: &Value) -> Result<(), String> {
    let mut fields = Fields::of(vector, "vector")?;
    let group = fields.str("group")?;
    let function = fields.str("function").unwrap_or("");
    let inputs = fields.required("inputs")?;
    let expected = fields.required("expected")?;
    for descriptive in ["id", "name", "source", "notes", "derived"] {
        fields.optional(descriptive);
    }
    fields.finish()?;

    let kind = match group {
        "derived_arithmetic" => kind_of_function(function)
            .ok_or_else(|| format!("derived vector for unknown function {function:?}"))?,
        other => kind_of_group(other).ok_or_else(|| format!("unknown group {other:?}"))?,
    };
    let actual = match kind {
        Kind::RateLimit => rate_limit(inputs)?,
        Kind::ScaleUpLimit => policy_limit(inputs, Direction::Up)?,
        Kind::ScaleDownLimit => policy_limit(inputs, Direction::Down)?,
        Kind::LegacyConvert => legacy_convert(inputs)?,
        Kind::LegacyStabilize => legacy_stabilize(inputs)?,
        Kind::LegacyNormalize => legacy_normalize(inputs)?,
        Kind::BehaviorStabilize => behavior_stabilize(inputs)?,
        Kind::StoreScaleEvent => store_event(inputs)?,
        Kind::Tolerance => tolerance(inputs)?,
        Kind::Reconcile => reconcile_vector(inputs)?,
    };
    compare(expected, &actual)
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    RateLimit,
    ScaleUpLimit,
    ScaleDownLimit,
    LegacyConvert,
    LegacyStabilize,
    LegacyNormalize,
    BehaviorStabilize,
    StoreScaleEvent,
    Tolerance,
    Reconcile,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    Up,
    Down,
}

fn kind_of_group(group: &str) -> Option<Kind> {
    Some(match group {
        "rate_limit_with_behaviors" => Kind::RateLimit,
        "scale_up_limit" => Kind::ScaleUpLimit,
        "scale_down_limit" => Kind::ScaleDownLimit,
        "legacy_convert" => Kind::LegacyConvert,
        "legacy_stabilize" => Kind::LegacyStabilize,
        "stabilize_with_behaviors" => Kind::BehaviorStabilize,
        "store_scale_event" => Kind::StoreScaleEvent,
        "reconcile" => Kind::Reconcile,
        _ => return None,
    })
}

/// Derived vectors name the Kubernetes function whose arithmetic they pin.
fn kind_of_function(function: &str) -> Option<Kind> {
    let name = function.rsplit('.').next().unwrap_or(function);
    Some(match name {
        "calculateScaleUpLimitWithScalingRules" => Kind::ScaleUpLimit,
        "calculateScaleDownLimitWithBehaviors" | "calculateScaleDownLimitWithBehavior" => {
            Kind::ScaleDownLimit
        }
        "convertDesiredReplicasWithBehaviorRate" => Kind::RateLimit,
        "convertDesiredReplicasWithRules" => Kind::LegacyConvert,
        "stabilizeRecommendation" => Kind::LegacyStabilize,
        "normalizeDesiredReplicas" => Kind::LegacyNormalize,
        "stabilizeRecommendationWithBehaviors" => Kind::BehaviorStabilize,
        "storeScaleEvent" => Kind::StoreScaleEvent,
        "isWithin" | "Tolerances" | "tolerancesForHpa" => Kind::Tolerance,
        _ if name.starts_with("reconcileAutoscaler") => Kind::Reconcile,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// One function per group: parse the inputs strictly, run the library, return
// the actual values under the keys the vectors use for expectations.

fn rate_limit(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let current = fields.i32("currentReplicas")?;
    let desired = fields.i32("desiredReplicas")?;
    let range = ReplicaRange {
        min: fields.i32("minReplicas")?,
        max: fields.i32("maxReplicas")?,
    };
    let up_written = fields.optional_rules("scaleUpRulesAsWritten")?;
    let down_written = fields.optional_rules("scaleDownRulesAsWritten")?;
    let up = fields.rules("scaleUpRules")?;
    let down = fields.rules("scaleDownRules")?;
    let events = ScaleEvents {
        up: fields.events("scaleUpEvents")?,
        down: fields.events("scaleDownEvents")?,
    };
    fields.finish()?;

    // The effective rules the vector lists must be what our defaulting makes
    // of the rules as written.
    let written = Behavior {
        scale_up: up_written,
        scale_down: down_written,
    };
    if written.scale_up_rules() != up || written.scale_down_rules() != down {
        return Err(format!(
            "behavior defaulting: expected up {up:?} / down {down:?}, actual up {:?} / down {:?}",
            written.scale_up_rules(),
            written.scale_down_rules()
        ));
    }
    let behavior = Behavior {
        scale_up: Some(up),
        scale_down: Some(down),
    };
    let limited = limit_with_behaviors(current, desired, range, &behavior, &events, NOW);
    Ok(object([
        ("replicas", json!(limited.replicas)),
        ("reason", json!(limited.reason.as_str())),
    ]))
}

fn policy_limit(inputs: &Value, direction: Direction) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let current = fields.i32("currentReplicas")?;
    let rules = fields.rules("rules")?;
    let events = ScaleEvents {
        up: fields.events("scaleUpEvents")?,
        down: fields.events("scaleDownEvents")?,
    };
    fields.finish()?;
    let limit = match direction {
        Direction::Up => scale_up_limit(current, &events, &rules, NOW),
        Direction::Down => scale_down_limit(current, &events, &rules, NOW),
    };
    Ok(object([("limit", json!(limit))]))
}

fn legacy_convert(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let current = fields.i32("currentReplicas")?;
    let desired = fields.i32("desiredReplicas")?;
    let range = ReplicaRange {
        min: fields.i32("minReplicas")?,
        max: fields.i32("maxReplicas")?,
    };
    let factor = fields.f64("scaleUpLimitFactor")?;
    let minimum = fields.f64("scaleUpLimitMinimum")?;
    fields.finish()?;
    let limited = limit_legacy(current, desired, range, factor, minimum);
    Ok(object([
        ("replicas", json!(limited.replicas)),
        ("reason", json!(limited.reason.as_str())),
    ]))
}

fn legacy_stabilize(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let desired = fields.i32("desiredReplicas")?;
    let window = fields.i64("downscaleStabilizationWindowSeconds")?;
    let mut history = fields.recommendations("recommendations")?;
    fields.finish()?;
    let replicas = stabilize_legacy(&mut history, desired, NOW, window);
    Ok(object([
        ("replicas", json!(replicas)),
        ("recommendationCountAfter", json!(history.len())),
        ("recommendationsAfter", recommendation_values(&history)),
    ]))
}

/// Legacy stabilization followed by the legacy clamp, as
/// `normalizeDesiredReplicas` chains them.
fn legacy_normalize(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let current = fields.i32("currentReplicas")?;
    let desired = match fields.optional_i32("prenormalizedDesiredReplicas")? {
        Some(value) => value,
        None => fields.i32("desiredReplicas")?,
    };
    let range = ReplicaRange {
        min: fields.i32("minReplicas")?,
        max: fields.i32("maxReplicas")?,
    };
    let window = fields.i64("downscaleStabilizationWindowSeconds")?;
    let factor = fields.f64("scaleUpLimitFactor")?;
    let minimum = fields.f64("scaleUpLimitMinimum")?;
    let mut history = fields.recommendations("recommendations")?;
    fields.finish()?;
    let stabilized = stabilize_legacy(&mut history, desired, NOW, window);
    let limited = limit_legacy(current, stabilized, range, factor, minimum);
    let able_to_scale = if stabilized == desired {
        conditions::reason::READY_FOR_NEW_SCALE
    } else {
        conditions::reason::SCALE_DOWN_STABILIZED
    };
    Ok(object([
        ("replicas", json!(limited.replicas)),
        ("stabilizedReplicas", json!(stabilized)),
        ("reason", json!(limited.reason.as_str())),
        ("ableToScaleReason", json!(able_to_scale)),
        ("recommendationCountAfter", json!(history.len())),
    ]))
}

fn behavior_stabilize(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let current = fields.i32("currentReplicas")?;
    let desired = fields.i32("desiredReplicas")?;
    let up_window = fields.i64("scaleUpStabilizationWindowSeconds")?;
    let down_window = fields.i64("scaleDownStabilizationWindowSeconds")?;
    let mut history = fields.recommendations("recommendations")?;
    fields.finish()?;
    let stabilized =
        stabilize_with_behaviors(&mut history, current, desired, NOW, up_window, down_window);
    Ok(object([
        ("replicas", json!(stabilized.replicas)),
        ("reason", json!(stabilized.reason.as_str())),
        ("recommendationsAfter", recommendation_values(&history)),
        ("recommendationCountAfter", json!(history.len())),
    ]))
}

fn store_event(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let direction = match fields.str("direction")? {
        "up" => Direction::Up,
        "down" => Direction::Down,
        other => return Err(format!("inputs.direction: unknown {other:?}")),
    };
    let previous = fields.i32("prevReplicas")?;
    let new = fields.i32("newReplicas")?;
    let rules = fields.optional_rules("behaviorRulesForDirection")?;
    let before = fields.events("eventsBefore")?;
    fields.finish()?;

    let behavior = rules.map(|rules| match direction {
        Direction::Up => Behavior {
            scale_up: Some(rules),
            scale_down: None,
        },
        Direction::Down => Behavior {
            scale_up: None,
            scale_down: Some(rules),
        },
    });
    let mut events = ScaleEvents::default();
    match direction {
        Direction::Up => events.up = before,
        Direction::Down => events.down = before,
    }
    let list_before = match direction {
        Direction::Up => &events.up,
        Direction::Down => &events.down,
    };
    let changed_before = replicas_changed_within(60, list_before, NOW);
    store_scale_event(behavior.as_ref(), &mut events, previous, new, NOW);
    let after = match direction {
        Direction::Up => &events.up,
        Direction::Down => &events.down,
    };
    let other_side_untouched = match direction {
        Direction::Up => events.down.is_empty(),
        Direction::Down => events.up.is_empty(),
    };
    if !other_side_untouched {
        return Err("store_scale_event wrote to the other direction's list".to_string());
    }
    Ok(object([
        (
            "replicasChangeWithinLast60sBeforeStore",
            json!(changed_before),
        ),
        ("eventsAfter", event_values(after)),
    ]))
}

/// The tolerance band itself. Accepts a ratio (or utilization and target)
/// and one tolerance or one per direction; a boolean expectation whose key
/// names the old `|1 - r|` form is computed with that form.
fn tolerance(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;
    let ratio = if let Some(ratio) = fields.optional_f64("usageRatio")? {
        ratio
    } else if let Some(ratio) = fields.optional_f64("ratio")? {
        ratio
    } else {
        let usage = match fields.optional_f64("currentUtilization")? {
            Some(value) => value,
            None => fields.f64("utilization")?,
        };
        let target = fields.f64("targetUtilization")?;
        usage / target
    };
    let single = fields.optional_f64("tolerance")?;
    let up = fields.optional_f64("scaleUpTolerance")?.or(single);
    let down = fields.optional_f64("scaleDownTolerance")?.or(single);
    fields.finish()?;
    let (Some(up), Some(down)) = (up, down) else {
        return Err("inputs: no tolerance given".to_string());
    };
    let tolerances = Tolerances {
        scale_down: down,
        scale_up: up,
    };
    let within = tolerances.is_within(ratio);
    // The pre-1.33 form, `|1 - ratio| <= tolerance`, for vectors that pin
    // where the two forms part.
    let within_old_form = (1.0 - ratio).abs() <= up;
    let mut actual = Map::new();
    for key in ["within", "isWithin", "withinTolerance", "withinNewForm"] {
        actual.insert(key.to_string(), json!(within));
    }
    for key in ["scales", "changesReplicas"] {
        actual.insert(key.to_string(), json!(!within));
    }
    for key in ["withinOldForm", "withinAbsForm", "oldFormWithin"] {
        actual.insert(key.to_string(), json!(within_old_form));
    }
    Ok(actual)
}

fn reconcile_vector(inputs: &Value) -> Result<Map<String, Value>, String> {
    let mut fields = Fields::of(inputs, "inputs")?;

    let controller = fields.required("controller")?;
    let (mut config, metric_window_seconds) = controller_config(controller)?;
    if let Some(gates) = fields.optional("featureGates") {
        config.feature_gates = feature_gates(gates)?;
    }

    let spec = hpa_spec(fields.required("hpa")?)?;

    // A failing `GET /scale` may be written as `scale: null` or as a flag
    // beside the replica counts; the counts then seed the HPA status.
    let mut scale_get_fails = false;
    let mut scale_update_fails = false;
    let (scale, spec_replicas) = match fields.required("scale")? {
        Value::Null => (None, 0),
        value => {
            let mut scale = Fields::of(value, "inputs.scale")?;
            let parsed = Scale {
                spec_replicas: scale.i32("specReplicas")?,
                status_replicas: scale.i32("statusReplicas")?,
            };
            for key in ["getFails", "getError", "failGet"] {
                scale_get_fails |= scale.optional_bool(key)?.unwrap_or(false);
            }
            for key in ["updateFails", "updateError", "failUpdate"] {
                scale_update_fails |= scale.optional_bool(key)?.unwrap_or(false);
            }
            scale.finish()?;
            let observed = (!scale_get_fails).then_some(parsed);
            (observed, parsed.spec_replicas)
        }
    };

    let pods = match fields.optional("pods") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => array(value, "inputs.pods")?
            .iter()
            .map(pod)
            .collect::<Result<_, _>>()?,
    };

    let window_millis = metric_window_seconds.saturating_mul(1000);
    let mut observed = Observation {
        scale,
        selector: SelectorState::Valid,
        pods,
        scale_update_fails,
        ..Observation::default()
    };
    if let Some(usage) = fields.optional("podCpuUsageMilli") {
        observed.metrics.pod_usage = pod_usage(usage, "cpu", window_millis)?;
    }
    if let Some(usage) = fields.optional("podMemoryUsageMilli") {
        for (pod, item) in pod_usage(usage, "memory", window_millis)? {
            let entry = observed
                .metrics
                .pod_usage
                .entry(pod)
                .or_insert_with(|| PodUsage {
                    timestamp: NOW,
                    window_millis,
                    containers: BTreeMap::new(),
                });
            for (container, per_resource) in item.containers {
                entry
                    .containers
                    .entry(container)
                    .or_default()
                    .extend(per_resource);
            }
        }
    }
    if let Some(values) = fields.optional("podMetricValuesMilli") {
        let per_pod = pod_metric_values(values, window_millis)?;
        for metric in &spec.metrics {
            if let MetricSpec::Pods { metric_name, .. } = metric {
                observed
                    .metrics
                    .pods_metrics
                    .insert(metric_name.clone(), per_pod.clone());
            }
        }
    }
    if let Some(value) = fields.optional("objectMetricValueMilli") {
        let value = value
            .as_i64()
            .ok_or("inputs.objectMetricValueMilli: not an integer")?;
        for metric in &spec.metrics {
            if let MetricSpec::Object { metric_name, .. } = metric {
                observed
                    .metrics
                    .object_metrics
                    .insert(metric_name.clone(), value);
            }
        }
    }
    if let Some(values) = fields.optional("externalMetricValuesMilli") {
        let values = integers(values, "inputs.externalMetricValuesMilli")?;
        for metric in &spec.metrics {
            if let MetricSpec::External { metric_name, .. } = metric {
                observed
                    .metrics
                    .external_metrics
                    .insert(metric_name.clone(), values.clone());
            }
        }
    }
    if let Some(failing) = fields.optional("metricFetchFailures") {
        observed.metrics.failing_sources = source_types(failing)?;
    }
    if let Some(selector) = fields.optional("selector") {
        let selector = selector.as_str().ok_or("inputs.selector: not a string")?;
        observed.selector = selector_state(selector);
    }
    if let Some(fails) = fields.optional_bool("scaleGetFails")? {
        scale_get_fails |= fails;
        if scale_get_fails {
            observed.scale = None;
        }
    }
    if let Some(fails) = fields.optional_bool("scaleUpdateFails")? {
        observed.scale_update_fails |= fails;
    }

    let recommendations = match fields.required("recommendationHistory")? {
        Value::Null => None,
        value => Some(recommendation_list(value, "inputs.recommendationHistory")?),
    };
    let scale_events = match fields.optional("scaleEventHistory") {
        None | Some(Value::Null) => ScaleEvents::default(),
        Some(value) => {
            let mut history = Fields::of(value, "inputs.scaleEventHistory")?;
            let events = ScaleEvents {
                up: history.events("up")?,
                down: history.events("down")?,
            };
            history.finish()?;
            events
        }
    };
    // The Kubernetes tests start from an HPA whose status mirrors the scale;
    // a vector may give the status explicitly instead.
    let (status_current, status_desired) = match fields.optional("hpaStatus") {
        None | Some(Value::Null) => (spec_replicas, spec_replicas),
        Some(value) => {
            let mut status = Fields::of(value, "inputs.hpaStatus")?;
            let parsed = (
                status.i32("currentReplicas")?,
                status.i32("desiredReplicas")?,
            );
            status.finish()?;
            parsed
        }
    };
    let initial_conditions = match fields.optional("initialConditions") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => array(value, "inputs.initialConditions")?
            .iter()
            .map(condition)
            .collect::<Result<_, _>>()?,
    };
    fields.finish()?;

    let mut state = HpaState {
        recommendations,
        scale_events,
        status: HpaStatus {
            current_replicas: status_current,
            desired_replicas: status_desired,
            last_scale_time: None,
            conditions: initial_conditions,
        },
    };
    let outcome = reconcile(&config, &spec, &mut state, NOW, &observed);

    let conditions: Vec<Value> = outcome
        .conditions
        .iter()
        .map(|condition| {
            json!({
                "type": condition.condition_type.as_str(),
                "status": condition.status.as_str(),
                "reason": condition.reason,
            })
        })
        .collect();
    let recommendations_after = state
        .recommendations
        .as_deref()
        .map_or(Value::Null, recommendation_values);
    Ok(object([
        ("desiredReplicas", json!(outcome.desired_replicas)),
        ("scaleUpdated", json!(outcome.scale_updated)),
        ("conditions", Value::Array(conditions)),
        ("proposal", json!(outcome.proposal)),
        ("stabilizedReplicas", json!(outcome.stabilized)),
        ("recommendationsAfter", recommendations_after),
        (
            "scaleEventsAfter",
            json!({
                "up": event_values(&state.scale_events.up),
                "down": event_values(&state.scale_events.down),
            }),
        ),
        (
            "metricReplicas",
            Value::Array(
                outcome
                    .metrics
                    .iter()
                    .map(|metric| json!(metric.proposal().map(|p| p.replicas)))
                    .collect(),
            ),
        ),
    ]))
}

// ---------------------------------------------------------------------------
// Input mapping helpers.

fn controller_config(value: &Value) -> Result<(ControllerConfig, i64), String> {
    let mut fields = Fields::of(value, "inputs.controller")?;
    let defaults = ControllerConfig::default();
    let config = ControllerConfig {
        tolerance: fields.f64("tolerance")?,
        downscale_stabilization_window_seconds: fields
            .i64("downscaleStabilizationWindowSeconds")?,
        cpu_initialization_period_seconds: fields.i64("cpuInitializationPeriodSeconds")?,
        initial_readiness_delay_seconds: fields.i64("initialReadinessDelaySeconds")?,
        scale_up_limit_factor: fields.f64("scaleUpLimitFactor")?,
        scale_up_limit_minimum: fields.f64("scaleUpLimitMinimum")?,
        sync_period_seconds: fields
            .optional_i64("syncPeriodSeconds")?
            .unwrap_or(defaults.sync_period_seconds),
        feature_gates: FeatureGates::default(),
    };
    let window = fields.optional_i64("metricWindowSeconds")?.unwrap_or(60);
    fields.finish()?;
    Ok((config, window))
}

/// `valid`, `missing`, `unparsable` and `ambiguous` name the state; any
/// other string is taken as the target's label selector itself (empty is
/// missing, one that does not parse is unparsable).
fn selector_state(selector: &str) -> SelectorState {
    match selector {
        "valid" => SelectorState::Valid,
        "missing" | "" => SelectorState::Missing,
        "unparsable" => SelectorState::Unparsable,
        "ambiguous" => SelectorState::Ambiguous,
        written if written.split(',').all(requirement_parses) => SelectorState::Valid,
        _ => SelectorState::Unparsable,
    }
}

/// One requirement of a label selector: `key`, `!key`, `key=value`,
/// `key==value`, `key!=value`, or `key in (a,b)` / `key notin (a,b)`.
fn requirement_parses(requirement: &str) -> bool {
    let word = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
    };
    let requirement = requirement.trim();
    for operator in ["!=", "==", "="] {
        if let Some((key, value)) = requirement.split_once(operator) {
            return word(key.trim()) && (value.trim().is_empty() || word(value.trim()));
        }
    }
    for operator in [" notin ", " in "] {
        if let Some((key, values)) = requirement.split_once(operator) {
            let values = values.trim();
            return word(key.trim()) && values.starts_with('(') && values.ends_with(')');
        }
    }
    word(requirement.strip_prefix('!').unwrap_or(requirement))
}

fn feature_gates(value: &Value) -> Result<FeatureGates, String> {
    let map = value
        .as_object()
        .ok_or("inputs.featureGates: not an object")?;
    let mut gates = FeatureGates::default();
    for (name, enabled) in map {
        let enabled = enabled
            .as_bool()
            .ok_or_else(|| format!("inputs.featureGates.{name}: not a boolean"))?;
        match name.as_str() {
            "HPAScaleToZero" => gates.scale_to_zero = enabled,
            "HPAConfigurableTolerance" => gates.configurable_tolerance = enabled,
            // Only changes status bookkeeping (observedGeneration, requeueing),
            // none of the decision.
            "HPAGeneration" => {}
            other => return Err(format!("inputs.featureGates: unmapped gate {other:?}")),
        }
    }
    Ok(gates)
}

fn hpa_spec(value: &Value) -> Result<HpaSpec, String> {
    let mut fields = Fields::of(value, "inputs.hpa")?;
    let min_replicas = fields.optional_i32("minReplicas")?;
    let max_replicas = fields.i32("maxReplicas")?;
    let metrics = match fields.optional("metrics") {
        None | Some(Value::Null) => Vec::new(),
        Some(list) => array(list, "inputs.hpa.metrics")?
            .iter()
            .map(metric_spec)
            .collect::<Result<_, _>>()?,
    };
    let behavior = match fields.optional("behaviorAsWritten") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            serde_json::from_value::<Behavior>(value.clone())
                .map_err(|error| format!("inputs.hpa.behaviorAsWritten: {error}"))?,
        ),
    };
    fields.finish()?;
    Ok(HpaSpec {
        min_replicas,
        max_replicas,
        metrics,
        behavior,
    })
}

fn metric_spec(value: &Value) -> Result<MetricSpec, String> {
    let source_type = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or("metric without a type")?;
    let known = [
        "Resource",
        "ContainerResource",
        "Pods",
        "Object",
        "External",
    ];
    if known.contains(&source_type) {
        return serde_json::from_value(value.clone())
            .map_err(|error| format!("metric {value}: {error}"));
    }
    // An unknown source type is a valid input (the controller's
    // InvalidMetricSourceType), but only as a bare `{type}`.
    if value.as_object().is_some_and(|map| map.len() == 1) {
        return Ok(MetricSpec::Unsupported {
            source_type: source_type.to_string(),
        });
    }
    Err(format!("metric {value}: unknown type with other fields"))
}

fn pod(value: &Value) -> Result<Pod, String> {
    let mut fields = Fields::of(value, "inputs.pods[]")?;
    let name = fields.str("name")?.to_string();
    let phase = match fields.str("phase")? {
        "Pending" => PodPhase::Pending,
        "Running" => PodPhase::Running,
        "Succeeded" => PodPhase::Succeeded,
        "Failed" => PodPhase::Failed,
        "Unknown" => PodPhase::Unknown,
        other => return Err(format!("pod {name}: unknown phase {other:?}")),
    };
    let start_time = match fields.optional("startedSecondsAgo") {
        None | Some(Value::Null) => SimTime::DISTANT_PAST,
        Some(age) => before_now(age.as_f64().ok_or("startedSecondsAgo: not a number")?),
    };
    // The Ready condition last changed when the pod started, unless the
    // vector says when.
    let transition = match fields.optional("readySinceSecondsAgo") {
        None | Some(Value::Null) => start_time,
        Some(age) => before_now(age.as_f64().ok_or("readySinceSecondsAgo: not a number")?),
    };
    let ready = match fields.optional("ready") {
        None | Some(Value::Null) => None,
        Some(ready) => Some(PodReadiness {
            status: conditions::ConditionStatus::from_bool(
                ready.as_bool().ok_or("ready: not a boolean")?,
            ),
            last_transition_time: transition,
        }),
    };
    let deleting = fields.optional_bool("deleting")?.unwrap_or(false);
    let containers = match fields.optional("containers") {
        None | Some(Value::Null) => Vec::new(),
        Some(list) => array(list, "containers")?
            .iter()
            .map(container)
            .collect::<Result<_, _>>()?,
    };
    let sidecars = match fields.optional("restartableInitContainers") {
        None | Some(Value::Null) => Vec::new(),
        Some(list) => array(list, "restartableInitContainers")?
            .iter()
            .map(container)
            .collect::<Result<_, _>>()?,
    };
    fields.finish()?;
    Ok(Pod {
        name,
        phase,
        ready,
        start_time: Some(start_time),
        deleting,
        containers,
        restartable_init_containers: sidecars,
    })
}

/// `{name, cpuRequestMilli, memoryRequestMilli, ...}`; a null or absent
/// request is a container without one.
fn container(value: &Value) -> Result<Container, String> {
    let map = value.as_object().ok_or("container: not an object")?;
    let mut container = Container {
        name: String::new(),
        requests_milli: BTreeMap::new(),
    };
    for (key, field) in map {
        if key == "name" {
            container.name = field
                .as_str()
                .ok_or("container name: not a string")?
                .to_string();
        } else if let Some(resource) = key.strip_suffix("RequestMilli") {
            if !field.is_null() {
                let milli = field
                    .as_i64()
                    .ok_or_else(|| format!("container {key}: not an integer"))?;
                container.requests_milli.insert(resource.to_string(), milli);
            }
        } else {
            return Err(format!("container: unmapped key {key:?}"));
        }
    }
    Ok(container)
}

fn pod_usage(
    value: &Value,
    resource: &str,
    window_millis: i64,
) -> Result<BTreeMap<String, PodUsage>, String> {
    let pods = value.as_object().ok_or("pod usage: not an object")?;
    let mut usage = BTreeMap::new();
    for (pod, containers) in pods {
        let containers = containers
            .as_object()
            .ok_or_else(|| format!("pod usage {pod}: not an object of containers"))?;
        let mut per_container = BTreeMap::new();
        for (container, milli) in containers {
            let milli = milli
                .as_i64()
                .ok_or_else(|| format!("pod usage {pod}/{container}: not an integer"))?;
            per_container.insert(
                container.clone(),
                BTreeMap::from([(resource.to_string(), milli)]),
            );
        }
        usage.insert(
            pod.clone(),
            PodUsage {
                timestamp: NOW,
                window_millis,
                containers: per_container,
            },
        );
    }
    Ok(usage)
}

fn pod_metric_values(
    value: &Value,
    window_millis: i64,
) -> Result<BTreeMap<String, PodMetricValue>, String> {
    let pods = value
        .as_object()
        .ok_or("podMetricValuesMilli: not an object")?;
    pods.iter()
        .map(|(pod, milli)| {
            let value_milli = milli
                .as_i64()
                .ok_or_else(|| format!("podMetricValuesMilli.{pod}: not an integer"))?;
            Ok((
                pod.clone(),
                PodMetricValue {
                    value_milli,
                    timestamp: NOW,
                    window_millis,
                },
            ))
        })
        .collect()
}

fn source_types(value: &Value) -> Result<BTreeSet<MetricSourceType>, String> {
    array(value, "inputs.metricFetchFailures")?
        .iter()
        .map(|entry| {
            serde_json::from_value::<MetricSourceType>(entry.clone())
                .map_err(|error| format!("inputs.metricFetchFailures: {entry}: {error}"))
        })
        .collect()
}

fn condition(value: &Value) -> Result<scalegen::hpa::Condition, String> {
    let mut fields = Fields::of(value, "inputs.initialConditions[]")?;
    let condition_type = serde_json::from_value(Value::String(fields.str("type")?.to_string()))
        .map_err(|error| format!("condition type: {error}"))?;
    let status = serde_json::from_value(Value::String(fields.str("status")?.to_string()))
        .map_err(|error| format!("condition status: {error}"))?;
    let reason = fields.str("reason")?.to_string();
    let message = fields
        .optional("message")
        .and_then(Value::as_str)
        .unwrap_or("");
    let message = message.to_string();
    fields.finish()?;
    Ok(scalegen::hpa::Condition {
        condition_type,
        status,
        reason,
        message,
    })
}

fn before_now(age_seconds: f64) -> SimTime {
    NOW.plus_millis(-((age_seconds * 1000.0).round() as i64))
}

fn recommendation_list(value: &Value, what: &str) -> Result<Vec<Recommendation>, String> {
    array(value, what)?
        .iter()
        .map(|entry| {
            let mut fields = Fields::of(entry, what)?;
            let recommendation = Recommendation {
                replicas: fields.i32("replicas")?,
                timestamp: before_now(fields.f64("ageSeconds")?),
            };
            fields.finish()?;
            Ok(recommendation)
        })
        .collect()
}

fn event_list(value: &Value, what: &str) -> Result<Vec<ScaleEvent>, String> {
    array(value, what)?
        .iter()
        .map(|entry| {
            let mut fields = Fields::of(entry, what)?;
            let event = ScaleEvent {
                replica_change: fields.i32("replicaChange")?,
                timestamp: before_now(fields.f64("ageSeconds")?),
                outdated: fields.optional_bool("outdated")?.unwrap_or(false),
            };
            fields.finish()?;
            Ok(event)
        })
        .collect()
}

fn recommendation_values(history: &[Recommendation]) -> Value {
    Value::Array(history.iter().map(|r| json!(r.replicas)).collect())
}

fn event_values(events: &[ScaleEvent]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|event| json!({"replicaChange": event.replica_change, "outdated": event.outdated}))
            .collect(),
    )
}

fn integers(value: &Value, what: &str) -> Result<Vec<i64>, String> {
    array(value, what)?
        .iter()
        .map(|entry| {
            entry
                .as_i64()
                .ok_or_else(|| format!("{what}: {entry} is not an integer"))
        })
        .collect()
}

fn array<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{what}: not an array"))
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Map<String, Value> {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect()
}

/// Every expected key must be one the harness computed, with an equal value.
fn compare(expected: &Value, actual: &Map<String, Value>) -> Result<(), String> {
    let expected = expected.as_object().ok_or("expected: not an object")?;
    let mut problems = Vec::new();
    for (key, want) in expected {
        match actual.get(key) {
            None => problems.push(format!(
                "expected key {key:?} is not one the harness checks"
            )),
            Some(got) if !same(want, got) => {
                problems.push(format!("{key}: expected {want}, actual {got}"));
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// JSON equality where 2 and 2.0 are the same number.
fn same(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| same(x, y)))
        }
        _ => want == got,
    }
}

/// Strict access to one JSON object: every key must be read before
/// [`Fields::finish`], so an input the harness does not understand fails the
/// vector instead of being ignored.
struct Fields<'a> {
    what: String,
    map: &'a Map<String, Value>,
    read: BTreeSet<String>,
}

impl<'a> Fields<'a> {
    fn of(value: &'a Value, what: &str) -> Result<Self, String> {
        let map = value
            .as_object()
            .ok_or_else(|| format!("{what}: not an object"))?;
        Ok(Fields {
            what: what.to_string(),
            map,
            read: BTreeSet::new(),
        })
    }

    fn optional(&mut self, key: &str) -> Option<&'a Value> {
        self.read.insert(key.to_string());
        self.map.get(key)
    }

    fn required(&mut self, key: &str) -> Result<&'a Value, String> {
        self.optional(key)
            .ok_or_else(|| format!("{}.{key}: missing", self.what))
    }

    fn str(&mut self, key: &str) -> Result<&'a str, String> {
        let what = format!("{}.{key}", self.what);
        self.required(key)?
            .as_str()
            .ok_or_else(|| format!("{what}: not a string"))
    }

    fn i64(&mut self, key: &str) -> Result<i64, String> {
        let what = format!("{}.{key}", self.what);
        let value = self.required(key)?;
        integer(value).ok_or_else(|| format!("{what}: {value} is not an integer"))
    }

    fn i32(&mut self, key: &str) -> Result<i32, String> {
        let what = format!("{}.{key}", self.what);
        let value = self.i64(key)?;
        i32::try_from(value).map_err(|_| format!("{what}: {value} is outside int32"))
    }

    fn optional_i64(&mut self, key: &str) -> Result<Option<i64>, String> {
        match self.optional(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => integer(value)
                .map(Some)
                .ok_or_else(|| format!("{}.{key}: {value} is not an integer", self.what)),
        }
    }

    fn optional_i32(&mut self, key: &str) -> Result<Option<i32>, String> {
        let what = format!("{}.{key}", self.what);
        self.optional_i64(key)?
            .map(|value| i32::try_from(value).map_err(|_| format!("{what}: outside int32")))
            .transpose()
    }

    fn f64(&mut self, key: &str) -> Result<f64, String> {
        let what = format!("{}.{key}", self.what);
        self.required(key)?
            .as_f64()
            .ok_or_else(|| format!("{what}: not a number"))
    }

    fn optional_f64(&mut self, key: &str) -> Result<Option<f64>, String> {
        match self.optional(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("{}.{key}: not a number", self.what)),
        }
    }

    fn optional_bool(&mut self, key: &str) -> Result<Option<bool>, String> {
        match self.optional(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_bool()
                .map(Some)
                .ok_or_else(|| format!("{}.{key}: not a boolean", self.what)),
        }
    }

    fn rules(&mut self, key: &str) -> Result<ScalingRules, String> {
        self.optional_rules(key)?
            .ok_or_else(|| format!("{}.{key}: missing", self.what))
    }

    fn optional_rules(&mut self, key: &str) -> Result<Option<ScalingRules>, String> {
        match self.optional(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|error| format!("{}.{key}: {error}", self.what)),
        }
    }

    fn events(&mut self, key: &str) -> Result<Vec<ScaleEvent>, String> {
        let what = format!("{}.{key}", self.what);
        match self.optional(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(value) => event_list(value, &what),
        }
    }

    fn recommendations(&mut self, key: &str) -> Result<Vec<Recommendation>, String> {
        let what = format!("{}.{key}", self.what);
        match self.optional(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(value) => recommendation_list(value, &what),
        }
    }

    fn finish(self) -> Result<(), String> {
        let unread: Vec<&String> = self
            .map
            .keys()
            .filter(|key| !self.read.contains(key.as_str()))
            .collect();
        if unread.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: unmapped keys {unread:?}", self.what))
        }
    }
}

/// An integer, also when written as 3.0.
fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() < 9.0e15)
            .map(|float| float as i64)
    })
}
