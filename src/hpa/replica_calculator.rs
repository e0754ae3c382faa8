//! From pods and metric samples to one metric's replica proposal
//! (algorithm.md §3; Kubernetes `replica_calculator.go` and
//! `computeReplicasForMetric`).
//!
//! Quantities are integer milli-units; ratios are float64 computed in the
//! controller's expression order.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::clock::SimTime;
use super::conditions::{ConditionStatus, reason};
use super::observation::{MetricSamples, Pod, PodPhase, PodUsage, Scale};
use super::rate_limit::f64_to_i32;
use super::spec::{MetricSourceType, MetricSpec, MetricTarget};
use super::tolerance::Tolerances;

/// What every calculation needs besides the metric itself.
#[derive(Debug, Clone, Copy)]
pub struct CalculatorContext<'a> {
    /// The pods the target's selector matches.
    pub pods: &'a [Pod],
    pub now: SimTime,
    pub cpu_initialization_period_seconds: i64,
    pub initial_readiness_delay_seconds: i64,
    pub tolerances: Tolerances,
}

/// The metric's current value as the HPA status reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentMetricValue {
    pub utilization_percent: Option<i32>,
    pub average_value_milli: Option<i64>,
    pub value_milli: Option<i64>,
}

/// One metric's replica proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    pub replicas: i32,
    pub current: CurrentMetricValue,
}

/// The result of one `spec.metrics` entry on one sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricEvaluation {
    /// The controller's name for the metric ("cpu resource utilization
    /// (percentage of request)", "pods metric qps", ...).
    pub description: String,
    pub outcome: MetricOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum MetricOutcome {
    Proposed(Proposal),
    /// `reason` is the `ScalingActive` reason this failure would set.
    Failed {
        reason: String,
        message: String,
    },
}

impl MetricEvaluation {
    pub fn proposal(&self) -> Option<&Proposal> {
        match &self.outcome {
            MetricOutcome::Proposed(proposal) => Some(proposal),
            MetricOutcome::Failed { .. } => None,
        }
    }
}

/// One pod's value of the metric being computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSample {
    pub value_milli: i64,
    pub timestamp: SimTime,
    pub window_millis: i64,
}

/// How `groupPods` sorts the matched pods.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodGroups {
    pub ready_count: i64,
    /// Pending pods, and for CPU the pods not (yet) ready.
    pub unready: BTreeSet<String>,
    /// Pods with no sample.
    pub missing: BTreeSet<String>,
    /// Deleting or terminal pods.
    pub ignored: BTreeSet<String>,
}

/// Sorts the pods. Readiness matters only for the `cpu` resource: a CPU sample
/// taken while the pod was starting is not trusted.
pub fn group_pods(
    context: &CalculatorContext<'_>,
    samples: &BTreeMap<String, PodSample>,
    resource: &str,
) -> PodGroups {
    let mut groups = PodGroups::default();
    for pod in context.pods {
        let terminal = matches!(pod.phase, PodPhase::Failed | PodPhase::Succeeded);
        if pod.deleting || terminal {
            groups.ignored.insert(pod.name.clone());
            continue;
        }
        if pod.phase == PodPhase::Pending {
            groups.unready.insert(pod.name.clone());
            continue;
        }
        let Some(sample) = samples.get(&pod.name) else {
            groups.missing.insert(pod.name.clone());
            continue;
        };
        if resource == "cpu" && cpu_sample_untrusted(context, pod, sample) {
            groups.unready.insert(pod.name.clone());
            continue;
        }
        groups.ready_count += 1;
    }
    groups
}

fn cpu_sample_untrusted(context: &CalculatorContext<'_>, pod: &Pod, sample: &PodSample) -> bool {
    let (Some(ready), Some(start)) = (pod.ready, pod.start_time) else {
        return true;
    };
    let initializing = start.plus_secs(context.cpu_initialization_period_seconds) > context.now;
    if initializing {
        // Also distrust a sample whose window began before the pod turned ready.
        ready.status == ConditionStatus::False
            || sample.timestamp < ready.last_transition_time.plus_millis(sample.window_millis)
    } else {
        // Only a pod that has never been ready; one that was ready and became
        // unready later still counts.
        ready.status == ConditionStatus::False
            && start.plus_secs(context.initial_readiness_delay_seconds) > ready.last_transition_time
    }
}

/// Each pod's request for `resource`: the named container's, or the sum over
/// containers and restartable init containers. Every matched pod needs one,
/// ignored and unready pods included.
pub fn pod_requests(
    pods: &[Pod],
    container: &str,
    resource: &str,
) -> Result<BTreeMap<String, i64>, String> {
    let mut requests = BTreeMap::new();
    for pod in pods {
        requests.insert(pod.name.clone(), pod_request(pod, container, resource)?);
    }
    Ok(requests)
}

fn pod_request(pod: &Pod, container: &str, resource: &str) -> Result<i64, String> {
    let mut request = 0i64;
    for candidate in pod
        .containers
        .iter()
        .chain(&pod.restartable_init_containers)
    {
        if container.is_empty() || container == candidate.name {
            let Some(value) = candidate.requests_milli.get(resource) else {
                return Err(format!(
                    "missing request for {resource} in container {} of Pod {}",
                    candidate.name, pod.name
                ));
            };
            request = request.saturating_add(*value);
        }
        if container == candidate.name {
            return Ok(request);
        }
    }
    if container.is_empty() {
        Ok(request)
    } else {
        Err(format!(
            "container {container} not found in Pod {}",
            pod.name
        ))
    }
}

/// Per-pod samples of `resource` from the PodMetrics items: the named
/// container's usage, or the sum over all containers. A pod lacking the data
/// gets no sample (it becomes "missing").
pub fn resource_samples(
    usage: &BTreeMap<String, PodUsage>,
    resource: &str,
    container: &str,
) -> BTreeMap<String, PodSample> {
    let mut samples = BTreeMap::new();
    for (pod, item) in usage {
        let value = if container.is_empty() {
            if item.containers.is_empty() {
                None
            } else {
                item.containers
                    .values()
                    .map(|per_resource| per_resource.get(resource).copied())
                    .try_fold(0i64, |sum, value| value.map(|v| sum.saturating_add(v)))
            }
        } else {
            item.containers
                .get(container)
                .and_then(|per_resource| per_resource.get(resource).copied())
        };
        if let Some(value_milli) = value {
            samples.insert(
                pod.clone(),
                PodSample {
                    value_milli,
                    timestamp: item.timestamp,
                    window_millis: item.window_millis,
                },
            );
        }
    }
    samples
}

/// The ratio of `floor(100 * Σusage / Σrequest)` (an integer percent) to the
/// target, counting only samples of pods that have a request.
fn utilization_ratio(
    values: &BTreeMap<String, i64>,
    requests: &BTreeMap<String, i64>,
    target_utilization: i32,
) -> Result<(f64, i32, i64), String> {
    let mut usage_total = 0i128;
    let mut request_total = 0i128;
    let mut entries = 0i128;
    for (pod, value) in values {
        let Some(request) = requests.get(pod) else {
            continue;
        };
        usage_total += i128::from(*value);
        request_total += i128::from(*request);
        entries += 1;
    }
    if request_total == 0 || entries == 0 {
        return Err("no metrics returned matched known pods".to_string());
    }
    let utilization = saturate_i128_to_i32(usage_total * 100 / request_total);
    let raw_average = saturate_i128_to_i64(usage_total / entries);
    let ratio = f64::from(utilization) / f64::from(target_utilization);
    Ok((ratio, utilization, raw_average))
}

/// The ratio of the average (floored to a milli-unit) to the target.
fn usage_ratio(values: &BTreeMap<String, i64>, target_milli: i64) -> (f64, i64) {
    let total: i128 = values.values().map(|value| i128::from(*value)).sum();
    let count = i128::try_from(values.len()).unwrap_or(i128::MAX).max(1);
    let average = saturate_i128_to_i64(total / count);
    (average as f64 / target_milli as f64, average)
}

/// Resource or ContainerResource with a `Utilization` target
/// (`GetResourceReplicas`).
pub fn utilization_replicas(
    context: &CalculatorContext<'_>,
    current: i32,
    target_utilization: i32,
    resource: &str,
    container: &str,
    samples: &BTreeMap<String, PodSample>,
) -> Result<Proposal, String> {
    if context.pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".to_string());
    }
    let groups = group_pods(context, samples, resource);
    let mut values = trusted_values(samples, &groups);
    if values.is_empty() {
        return Err(
            "did not receive metrics for targeted pods (pods might be unready)".to_string(),
        );
    }
    let requests = pod_requests(context.pods, container, resource)?;
    let (ratio, utilization, raw_average) =
        utilization_ratio(&values, &requests, target_utilization)?;
    let current_value = CurrentMetricValue {
        utilization_percent: Some(utilization),
        average_value_milli: Some(raw_average),
        value_milli: None,
    };
    let proposal = |replicas| Proposal {
        replicas,
        current: current_value,
    };

    let scale_up_with_unready = !groups.unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if context.tolerances.is_within(ratio) {
            return Ok(proposal(current));
        }
        return Ok(proposal(ceil_replicas(ratio * groups.ready_count as f64)));
    }

    if ratio < 1.0 {
        // Scale-down: a missing pod is assumed at 100 % of its request, or at
        // the target when the target is above 100 %.
        let fallback = i128::from(target_utilization.max(100));
        for pod in &groups.missing {
            let request = i128::from(requests.get(pod).copied().unwrap_or(0));
            values.insert(pod.clone(), saturate_i128_to_i64(request * fallback / 100));
        }
    } else if ratio > 1.0 {
        for pod in &groups.missing {
            values.insert(pod.clone(), 0);
        }
    }
    if scale_up_with_unready {
        for pod in &groups.unready {
            values.insert(pod.clone(), 0);
        }
    }
    let (new_ratio, _, _) = utilization_ratio(&values, &requests, target_utilization)?;
    Ok(proposal(adjusted_replicas(
        context,
        current,
        ratio,
        new_ratio,
        values.len(),
    )))
}

/// Resource with an `AverageValue` target, and `Pods` metrics
/// (`calcPlainMetricReplicas`). `readiness_resource` is the resource name
/// ("cpu" turns on the readiness rules) or empty for custom metrics.
pub fn average_value_replicas(
    context: &CalculatorContext<'_>,
    current: i32,
    target_milli: i64,
    readiness_resource: &str,
    samples: &BTreeMap<String, PodSample>,
) -> Result<Proposal, String> {
    if context.pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".to_string());
    }
    let groups = group_pods(context, samples, readiness_resource);
    let mut values = trusted_values(samples, &groups);
    if values.is_empty() {
        return Err(
            "did not receive metrics for targeted pods (pods might be unready)".to_string(),
        );
    }
    let (ratio, average) = usage_ratio(&values, target_milli);
    let proposal = |replicas| Proposal {
        replicas,
        current: CurrentMetricValue {
            utilization_percent: None,
            average_value_milli: Some(average),
            value_milli: None,
        },
    };

    let scale_up_with_unready = !groups.unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if context.tolerances.is_within(ratio) {
            return Ok(proposal(current));
        }
        return Ok(proposal(ceil_replicas(ratio * groups.ready_count as f64)));
    }

    if ratio < 1.0 {
        // Scale-down: a missing pod is assumed exactly at the target.
        for pod in &groups.missing {
            values.insert(pod.clone(), target_milli);
        }
    } else if ratio > 1.0 {
        for pod in &groups.missing {
            values.insert(pod.clone(), 0);
        }
    }
    if scale_up_with_unready {
        for pod in &groups.unready {
            values.insert(pod.clone(), 0);
        }
    }
    let (new_ratio, _) = usage_ratio(&values, target_milli);
    Ok(proposal(adjusted_replicas(
        context,
        current,
        ratio,
        new_ratio,
        values.len(),
    )))
}

/// The samples of pods that are neither ignored nor unready. Samples of pods
/// outside the pod list stay: they still count in the adjusted sample count.
fn trusted_values(
    samples: &BTreeMap<String, PodSample>,
    groups: &PodGroups,
) -> BTreeMap<String, i64> {
    samples
        .iter()
        .filter(|(pod, _)| !groups.ignored.contains(*pod) && !groups.unready.contains(*pod))
        .map(|(pod, sample)| (pod.clone(), sample.value_milli))
        .collect()
}

/// The second pass after filling in missing and unready pods: hold at
/// `current` when the new ratio is within tolerance, flips direction, or the
/// new count would move against the ratio.
fn adjusted_replicas(
    context: &CalculatorContext<'_>,
    current: i32,
    ratio: f64,
    new_ratio: f64,
    sample_count: usize,
) -> i32 {
    let flipped = (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0);
    if context.tolerances.is_within(new_ratio) || flipped {
        return current;
    }
    let replicas = ceil_replicas(new_ratio * sample_count as f64);
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return current;
    }
    replicas
}

/// Object and External with a `Value` target (`getUsageRatioReplicaCount`).
/// Scales the pods that are Running and Ready; from zero replicas it skips
/// tolerance and pods and proposes `ceil(ratio)`.
pub fn object_value_replicas(
    context: &CalculatorContext<'_>,
    current: i32,
    target_milli: i64,
    value_milli: i64,
) -> Result<Proposal, String> {
    let ratio = value_milli as f64 / target_milli as f64;
    let proposal = |replicas| Proposal {
        replicas,
        current: CurrentMetricValue {
            utilization_percent: None,
            average_value_milli: None,
            value_milli: Some(value_milli),
        },
    };
    if current == 0 {
        return Ok(proposal(ceil_replicas(ratio)));
    }
    if context.tolerances.is_within(ratio) {
        return Ok(proposal(current));
    }
    if context.pods.is_empty() {
        return Err(
            "unable to calculate ready pods: no pods returned by selector while calculating replica count"
                .to_string(),
        );
    }
    let ready_pods = context
        .pods
        .iter()
        .filter(|pod| {
            pod.phase == PodPhase::Running
                && pod
                    .ready
                    .is_some_and(|ready| ready.status == ConditionStatus::True)
        })
        .count();
    let replicas = ratio * ready_pods as f64;
    if replicas > f64::from(i32::MAX) {
        return Ok(proposal(i32::MAX));
    }
    Ok(proposal(ceil_replicas(replicas)))
}

/// Object and External with an `AverageValue` target: against
/// `status.replicas` (not spec), and outside tolerance simply
/// `ceil(total / per-pod target)`.
pub fn per_pod_value_replicas(
    tolerances: Tolerances,
    status_replicas: i32,
    target_per_pod_milli: i64,
    total_milli: i64,
) -> Proposal {
    let ratio = total_milli as f64 / (target_per_pod_milli as f64 * f64::from(status_replicas));
    let replicas = if tolerances.is_within(ratio) {
        status_replicas
    } else {
        ceil_replicas(total_milli as f64 / target_per_pod_milli as f64)
    };
    let per_pod = if total_milli as f64 >= i64::MAX as f64 {
        i64::MAX
    } else if status_replicas == 0 {
        0
    } else {
        (total_milli as f64 / f64::from(status_replicas)).ceil() as i64
    };
    Proposal {
        replicas,
        current: CurrentMetricValue {
            utilization_percent: None,
            average_value_milli: Some(per_pod),
            value_milli: None,
        },
    }
}

/// Computes one metric's proposal (`computeReplicasForMetric`).
pub fn evaluate_metric(
    context: &CalculatorContext<'_>,
    metric: &MetricSpec,
    scale: Scale,
    samples: &MetricSamples,
) -> MetricEvaluation {
    let current = scale.spec_replicas;
    let (description, reason, result) = match metric {
        MetricSpec::Resource { name, target } => {
            let (description, result) = resource_metric(
                context,
                current,
                name,
                "",
                *target,
                samples,
                MetricSourceType::Resource,
            );
            (description, reason::FAILED_GET_RESOURCE_METRIC, result)
        }
        MetricSpec::ContainerResource {
            name,
            container,
            target,
        } => {
            let (description, result) = resource_metric(
                context,
                current,
                name,
                container,
                *target,
                samples,
                MetricSourceType::ContainerResource,
            );
            (
                description,
                reason::FAILED_GET_CONTAINER_RESOURCE_METRIC,
                result,
            )
        }
        MetricSpec::Pods {
            metric_name,
            target,
        } => (
            format!("pods metric {metric_name}"),
            reason::FAILED_GET_PODS_METRIC,
            pods_metric(context, current, metric_name, *target, samples),
        ),
        MetricSpec::Object {
            metric_name,
            described_object,
            target,
        } => {
            let description = match target {
                MetricTarget::AverageValue { .. } => {
                    format!("external metric {metric_name}(<nil>)")
                }
                _ => format!("{} metric {metric_name}", described_object.kind),
            };
            let result = fetch_object(metric_name, samples).and_then(|value| match target {
                MetricTarget::Value { value_milli } => {
                    object_value_replicas(context, current, *value_milli, value)
                }
                MetricTarget::AverageValue {
                    average_value_milli,
                } => Ok(per_pod_value_replicas(
                    context.tolerances,
                    scale.status_replicas,
                    *average_value_milli,
                    value,
                )),
                MetricTarget::Utilization { .. } => Err(
                    "invalid object metric source: neither a value target nor an average value target was set"
                        .to_string(),
                ),
            });
            (description, reason::FAILED_GET_OBJECT_METRIC, result)
        }
        MetricSpec::External {
            metric_name,
            target,
        } => (
            format!("external metric {metric_name}(<nil>)"),
            reason::FAILED_GET_EXTERNAL_METRIC,
            external_metric(context, scale, metric_name, *target, samples),
        ),
        MetricSpec::Unsupported { source_type } => (
            source_type.clone(),
            reason::INVALID_METRIC_SOURCE_TYPE,
            Err(format!("unknown metric source type {source_type:?}")),
        ),
    };
    let outcome = match result {
        Ok(proposal) => MetricOutcome::Proposed(proposal),
        Err(message) => MetricOutcome::Failed {
            reason: reason.to_string(),
            message,
        },
    };
    MetricEvaluation {
        description,
        outcome,
    }
}

fn resource_metric(
    context: &CalculatorContext<'_>,
    current: i32,
    resource: &str,
    container: &str,
    target: MetricTarget,
    samples: &MetricSamples,
    source: MetricSourceType,
) -> (String, Result<Proposal, String>) {
    let fetch = || -> Result<BTreeMap<String, PodSample>, String> {
        if samples.failing_sources.contains(&source) {
            return Err(format!(
                "unable to get metrics for resource {resource}: the resource metrics API failed"
            ));
        }
        if samples.pod_usage.is_empty() {
            return Err(format!(
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ));
        }
        Ok(resource_samples(&samples.pod_usage, resource, container))
    };
    match target {
        MetricTarget::AverageValue {
            average_value_milli,
        } => (
            format!("{resource} resource"),
            fetch().and_then(|per_pod| {
                average_value_replicas(context, current, average_value_milli, resource, &per_pod)
            }),
        ),
        MetricTarget::Utilization {
            average_utilization,
        } => {
            let description = if container.is_empty() {
                format!("{resource} resource utilization (percentage of request)")
            } else {
                format!("{resource} container resource utilization (percentage of request)")
            };
            let result = fetch().and_then(|per_pod| {
                utilization_replicas(
                    context,
                    current,
                    average_utilization,
                    resource,
                    container,
                    &per_pod,
                )
            });
            (description, result)
        }
        MetricTarget::Value { .. } => (
            format!("{resource} resource"),
            Err("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".to_string()),
        ),
    }
}

fn pods_metric(
    context: &CalculatorContext<'_>,
    current: i32,
    metric_name: &str,
    target: MetricTarget,
    samples: &MetricSamples,
) -> Result<Proposal, String> {
    let MetricTarget::AverageValue {
        average_value_milli,
    } = target
    else {
        return Err(
            "invalid pods metric source: only an average value target is supported".to_string(),
        );
    };
    if samples.failing_sources.contains(&MetricSourceType::Pods) {
        return Err(format!(
            "unable to get metric {metric_name}: the custom metrics API failed"
        ));
    }
    let per_pod: BTreeMap<String, PodSample> = samples
        .pods_metrics
        .get(metric_name)
        .map(|values| {
            values
                .iter()
                .map(|(pod, value)| {
                    (
                        pod.clone(),
                        PodSample {
                            value_milli: value.value_milli,
                            timestamp: value.timestamp,
                            window_millis: value.window_millis,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if per_pod.is_empty() {
        return Err(format!(
            "unable to get metric {metric_name}: no metrics returned from custom metrics API"
        ));
    }
    average_value_replicas(context, current, average_value_milli, "", &per_pod)
}

fn fetch_object(metric_name: &str, samples: &MetricSamples) -> Result<i64, String> {
    if samples.failing_sources.contains(&MetricSourceType::Object) {
        return Err(format!(
            "unable to get metric {metric_name}: the custom metrics API failed"
        ));
    }
    samples
        .object_metrics
        .get(metric_name)
        .copied()
        .ok_or_else(|| format!("unable to get metric {metric_name}: no metric value returned"))
}

fn external_metric(
    context: &CalculatorContext<'_>,
    scale: Scale,
    metric_name: &str,
    target: MetricTarget,
    samples: &MetricSamples,
) -> Result<Proposal, String> {
    let fetch = || -> Result<&[i64], String> {
        if samples
            .failing_sources
            .contains(&MetricSourceType::External)
        {
            return Err(format!(
                "unable to get external metric {metric_name}: the external metrics API failed"
            ));
        }
        match samples.external_metrics.get(metric_name) {
            Some(values) if !values.is_empty() => Ok(values.as_slice()),
            _ => Err(format!(
                "unable to get external metric {metric_name}: no metrics returned from external metrics API"
            )),
        }
    };
    match target {
        MetricTarget::AverageValue {
            average_value_milli,
        } => {
            let total = fetch().map(per_pod_external_total)?;
            Ok(per_pod_value_replicas(
                context.tolerances,
                scale.status_replicas,
                average_value_milli,
                total,
            ))
        }
        MetricTarget::Value { value_milli } => {
            let total = fetch().map(|values| values.iter().fold(0i64, |sum, v| sum.saturating_add(*v)))?;
            object_value_replicas(context, scale.spec_replicas, value_milli, total)
        }
        MetricTarget::Utilization { .. } => Err(
            "invalid external metric source: neither a value target nor an average value target was set"
                .to_string(),
        ),
    }
}

/// The per-pod path sums the way the controller does: any negative running
/// total is taken for an overflow and becomes MaxInt64.
fn per_pod_external_total(values: &[i64]) -> i64 {
    let mut total = 0i64;
    for value in values {
        total = total.wrapping_add(*value);
        if total < 0 {
            return i64::MAX;
        }
    }
    total
}

/// `int32(math.Ceil(x))` without Go's undefined out-of-range result.
fn ceil_replicas(value: f64) -> i32 {
    f64_to_i32(value.ceil())
}

fn saturate_i128_to_i32(value: i128) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

fn saturate_i128_to_i64(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hpa::observation::{Container, PodReadiness};

    fn running_pod(name: &str, cpu_request: i64) -> Pod {
        Pod {
            name: name.to_string(),
            phase: PodPhase::Running,
            ready: Some(PodReadiness {
                status: ConditionStatus::True,
                last_transition_time: SimTime::DISTANT_PAST,
            }),
            start_time: Some(SimTime::DISTANT_PAST),
            deleting: false,
            containers: vec![Container {
                name: "app".to_string(),
                requests_milli: BTreeMap::from([("cpu".to_string(), cpu_request)]),
            }],
            restartable_init_containers: vec![],
        }
    }

    #[test]
    fn a_missing_request_anywhere_fails_the_metric() {
        let mut pod = running_pod("p", 100);
        pod.restartable_init_containers.push(Container {
            name: "sidecar".to_string(),
            requests_milli: BTreeMap::new(),
        });
        assert_eq!(
            pod_requests(&[pod], "", "cpu"),
            Err("missing request for cpu in container sidecar of Pod p".to_string())
        );
    }

    #[test]
    fn sidecar_requests_count_toward_the_pod() {
        let mut pod = running_pod("p", 100);
        pod.restartable_init_containers.push(Container {
            name: "sidecar".to_string(),
            requests_milli: BTreeMap::from([("cpu".to_string(), 50)]),
        });
        assert_eq!(
            pod_requests(&[pod.clone()], "", "cpu").map(|r| r.get("p").copied()),
            Ok(Some(150))
        );
        assert_eq!(
            pod_requests(&[pod], "sidecar", "cpu").map(|r| r.get("p").copied()),
            Ok(Some(50))
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let pods = [running_pod("p", i64::MAX)];
        let context = CalculatorContext {
            pods: &pods,
            now: SimTime(0),
            cpu_initialization_period_seconds: 300,
            initial_readiness_delay_seconds: 30,
            tolerances: Tolerances::uniform(0.1),
        };
        let samples = BTreeMap::from([(
            "p".to_string(),
            PodSample {
                value_milli: i64::MAX,
                timestamp: SimTime(0),
                window_millis: 60_000,
            },
        )]);
        let proposal = utilization_replicas(&context, i32::MAX, 1, "cpu", "", &samples);
        assert_eq!(proposal.map(|p| p.replicas), Ok(100));
        let proposal = average_value_replicas(&context, 1, 0, "", &samples);
        assert_eq!(proposal.map(|p| p.replicas), Ok(i32::MAX));
    }
}
