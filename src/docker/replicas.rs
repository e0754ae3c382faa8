//! Which containers are a service's replicas, what the next one is called, and how it is made
//! from an existing one.
//!
//! Compose labels its containers `com.docker.compose.project`, `com.docker.compose.service`,
//! `com.docker.compose.container-number` and `com.docker.compose.oneoff=False`, and names them
//! `<project>-<service>-<n>` (`<project>_<service>_<n>` before Compose v2). Containers started
//! without Compose carry `io.scalegen.service` (and `io.scalegen.project`,
//! `io.scalegen.container-number`) and are named the same way. A new replica copies an
//! existing one's configuration and labels with the next free number, so `docker compose ps`
//! lists it with the others.

use std::collections::{BTreeMap, HashSet};

use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerSummary, ContainerSummaryStateEnum,
    EndpointSettings, NetworkingConfig,
};

pub const COMPOSE_PROJECT: &str = "com.docker.compose.project";
pub const COMPOSE_SERVICE: &str = "com.docker.compose.service";
pub const COMPOSE_NUMBER: &str = "com.docker.compose.container-number";
pub const COMPOSE_ONEOFF: &str = "com.docker.compose.oneoff";
pub const SCALEGEN_PROJECT: &str = "io.scalegen.project";
pub const SCALEGEN_SERVICE: &str = "io.scalegen.service";
pub const SCALEGEN_NUMBER: &str = "io.scalegen.container-number";

/// How a container says which service it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Labelling {
    Compose,
    Scalegen,
}

impl Labelling {
    fn number_label(self) -> &'static str {
        match self {
            Labelling::Compose => COMPOSE_NUMBER,
            Labelling::Scalegen => SCALEGEN_NUMBER,
        }
    }
}

/// The engine's view of a container's lifecycle, as far as scaling cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Running,
    /// Kept by the engine but not serving right now: it counts as a replica (so a crash loop
    /// does not make the autoscaler start more and more containers) without a reading.
    Restarting,
    Paused,
    /// Created, exited, dead, being removed: not a replica.
    Stopped,
}

impl State {
    fn of(summary: Option<&ContainerSummaryStateEnum>) -> State {
        match summary {
            Some(ContainerSummaryStateEnum::RUNNING) => State::Running,
            Some(ContainerSummaryStateEnum::RESTARTING) => State::Restarting,
            Some(ContainerSummaryStateEnum::PAUSED) => State::Paused,
            _ => State::Stopped,
        }
    }

    /// Counts as one of the service's replicas.
    pub fn is_live(self) -> bool {
        self != State::Stopped
    }
}

/// A container of some scaled service.
#[derive(Clone, Debug, PartialEq)]
pub struct Replica {
    pub id: String,
    /// Without the engine's leading `/`.
    pub name: String,
    pub labelling: Labelling,
    /// Empty for a scalegen-labelled container without `io.scalegen.project`.
    pub project: String,
    pub service: String,
    pub number: Option<u32>,
    pub state: State,
    /// Unix seconds.
    pub created: i64,
}

impl Replica {
    /// The replica a listed container is, if it belongs to a service at all (Compose one-off
    /// containers, `docker compose run`, never do).
    pub fn from_summary(summary: &ContainerSummary) -> Option<Replica> {
        let labels = summary.labels.as_ref()?;
        let (labelling, service) = if let Some(service) = labels.get(COMPOSE_SERVICE) {
            if labels
                .get(COMPOSE_ONEOFF)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            {
                return None;
            }
            (Labelling::Compose, service)
        } else {
            (Labelling::Scalegen, labels.get(SCALEGEN_SERVICE)?)
        };
        let project_label = match labelling {
            Labelling::Compose => COMPOSE_PROJECT,
            Labelling::Scalegen => SCALEGEN_PROJECT,
        };
        let name = summary
            .names
            .as_ref()
            .and_then(|names| names.first())
            .map(|n| n.trim_start_matches('/').to_owned())
            .unwrap_or_default();
        let number = labels
            .get(labelling.number_label())
            .and_then(|n| n.parse().ok())
            .or_else(|| name.rsplit(['-', '_']).next()?.parse().ok());
        Some(Replica {
            id: summary.id.clone()?,
            name,
            labelling,
            project: labels.get(project_label).cloned().unwrap_or_default(),
            service: service.clone(),
            number,
            state: State::of(summary.state.as_ref()),
            created: summary.created.unwrap_or(0),
        })
    }
}

/// One service's containers in one project.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    pub labelling: Labelling,
    pub project: String,
    pub service: String,
    /// Every container of the service, live or not, oldest first.
    pub containers: Vec<Replica>,
}

impl Selection {
    pub fn live(&self) -> impl Iterator<Item = &Replica> {
        self.containers.iter().filter(|r| r.state.is_live())
    }

    /// The container new replicas copy: the first (lowest-numbered) running one, else the
    /// first at all (a service whose containers all exited is still described by them).
    pub fn template(&self) -> Option<&Replica> {
        let key = |r: &&Replica| (r.number.unwrap_or(u32::MAX), r.created);
        self.containers
            .iter()
            .filter(|r| r.state == State::Running)
            .min_by_key(key)
            .or_else(|| self.containers.iter().min_by_key(key))
    }

    /// The live replicas in the order they go when scaling down: those not serving
    /// (restarting, paused) first, then the newest first.
    pub fn removal_order(&self) -> Vec<&Replica> {
        let mut live: Vec<&Replica> = self.live().collect();
        live.sort_by_key(|r| {
            (
                r.state == State::Running,
                std::cmp::Reverse(r.created),
                std::cmp::Reverse(r.number),
            )
        });
        live
    }

    /// The next replica's name and number: one above the highest number in use (as Compose
    /// numbers), skipping names already taken.
    pub fn next_name(&self, taken: &HashSet<String>) -> (String, u32) {
        let underscore = self.containers.iter().any(|r| {
            r.number
                .is_some_and(|n| r.name == self.name_for(n, '_') && r.name != self.name_for(n, '-'))
        });
        let separator = if underscore { '_' } else { '-' };
        let mut number = self
            .containers
            .iter()
            .filter_map(|r| r.number)
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        loop {
            let name = self.name_for(number, separator);
            if !taken.contains(&name) {
                return (name, number);
            }
            number = number.saturating_add(1);
        }
    }

    fn name_for(&self, number: u32, separator: char) -> String {
        if self.project.is_empty() {
            format!("{}{separator}{number}", self.service)
        } else {
            format!(
                "{}{separator}{}{separator}{number}",
                self.project, self.service
            )
        }
    }
}

/// Finds a service's containers among all listed replicas. `None` when there are none; an
/// error when they are spread over several projects and `project` does not pick one.
pub fn select(
    all: &[Replica],
    service: &str,
    project: Option<&str>,
) -> Result<Option<Selection>, String> {
    let mut groups: BTreeMap<(Labelling, String), Vec<Replica>> = BTreeMap::new();
    for replica in all {
        if replica.service == service && project.is_none_or(|p| replica.project == p) {
            groups
                .entry((replica.labelling, replica.project.clone()))
                .or_default()
                .push(replica.clone());
        }
    }
    if groups.len() > 1 {
        let found: Vec<String> = groups
            .keys()
            .map(|(labelling, project)| {
                let kind = match labelling {
                    Labelling::Compose => "Compose project",
                    Labelling::Scalegen => "io.scalegen.project",
                };
                format!("{kind} `{project}`")
            })
            .collect();
        return Err(format!(
            "containers of service `{service}` belong to {}; pass `--project NAME` to choose one",
            found.join(" and ")
        ));
    }
    Ok(groups
        .into_iter()
        .next()
        .map(|((labelling, project), mut containers)| {
            containers.sort_by_key(|r| (r.created, r.number));
            Selection {
                labelling,
                project,
                service: service.to_owned(),
                containers,
            }
        }))
}

/// What creating a replica takes: the create request, and the networks to connect before
/// starting it (engines before API 1.44 take one network at create).
#[derive(Clone, Debug, PartialEq)]
pub struct CloneSpec {
    pub body: ContainerCreateBody,
    pub extra_networks: Vec<(String, EndpointSettings)>,
}

/// The create request for a new replica copying `template`: image, command, environment,
/// labels, resources, mounts, networks and restart policy, with the new number and without
/// what must stay unique per container (hostname defaulted from the ID, static addresses, MAC,
/// the container ID file).
pub fn clone_spec(
    template: &ContainerInspectResponse,
    labelling: Labelling,
    number: u32,
) -> CloneSpec {
    let config = template.config.clone().unwrap_or_default();
    let template_id = template.id.clone().unwrap_or_default();
    let short_id: String = template_id.chars().take(12).collect();
    let template_name = template
        .name
        .as_deref()
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_owned();

    let mut labels = config.labels.clone().unwrap_or_default();
    labels.insert(labelling.number_label().to_owned(), number.to_string());
    if labelling == Labelling::Compose {
        labels.insert(COMPOSE_ONEOFF.to_owned(), "False".to_owned());
    }

    let mut host_config = template.host_config.clone().unwrap_or_default();
    host_config.container_id_file = None;
    // Inspect shows legacy links as `/target:/this-container/alias`; create takes
    // `target:alias`.
    host_config.links = host_config.links.map(|links| {
        links
            .into_iter()
            .map(|link| match link.split_once(':') {
                Some((target, alias)) if target.starts_with('/') => format!(
                    "{}:{}",
                    target.trim_start_matches('/'),
                    alias.rsplit('/').next().unwrap_or(alias)
                ),
                _ => link,
            })
            .collect()
    });

    let network_mode = host_config.network_mode.clone().unwrap_or_default();
    let own_stack = matches!(network_mode.as_str(), "host" | "none")
        || network_mode.starts_with("container:")
        || network_mode.starts_with("service:");
    let mut endpoints: Vec<(String, EndpointSettings)> = if own_stack {
        Vec::new()
    } else {
        template
            .network_settings
            .as_ref()
            .and_then(|s| s.networks.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(network, endpoint)| {
                let aliases: Vec<String> = endpoint
                    .aliases
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| *a != short_id && *a != template_id && *a != template_name)
                    .collect();
                let settings = EndpointSettings {
                    aliases: (!aliases.is_empty()).then_some(aliases),
                    links: endpoint.links,
                    driver_opts: endpoint.driver_opts,
                    gw_priority: endpoint.gw_priority,
                    ..Default::default()
                };
                (network, settings)
            })
            .collect()
    };
    // The network named by the network mode goes in the create request, the rest after.
    let primary_name = match network_mode.as_str() {
        "" | "default" => "bridge",
        other => other,
    };
    endpoints.sort_by_key(|(name, _)| (name != primary_name, name.clone()));
    let mut endpoints = endpoints.into_iter();
    let networking_config = endpoints.next().map(|(name, settings)| NetworkingConfig {
        endpoints_config: Some([(name, settings)].into_iter().collect()),
    });

    // The engine fills in the hostname from the container ID when none was asked for; copying
    // it would give every replica the template's.
    let hostname = config
        .hostname
        .clone()
        .filter(|h| !h.is_empty() && *h != short_id);

    let body = ContainerCreateBody {
        hostname,
        domainname: config.domainname.clone().filter(|d| !d.is_empty()),
        user: config.user.clone(),
        attach_stdin: config.attach_stdin,
        attach_stdout: config.attach_stdout,
        attach_stderr: config.attach_stderr,
        exposed_ports: config.exposed_ports.clone(),
        tty: config.tty,
        open_stdin: config.open_stdin,
        stdin_once: config.stdin_once,
        env: config.env.clone(),
        cmd: config.cmd.clone(),
        healthcheck: config.healthcheck.clone(),
        args_escaped: config.args_escaped,
        image: config.image.clone().or_else(|| template.image.clone()),
        volumes: config.volumes.clone(),
        working_dir: config.working_dir.clone(),
        entrypoint: config.entrypoint.clone(),
        network_disabled: config.network_disabled,
        labels: Some(labels),
        stop_signal: config.stop_signal.clone(),
        stop_timeout: config.stop_timeout,
        shell: config.shell.clone(),
        host_config: Some(host_config),
        networking_config,
        ..Default::default()
    };
    CloneSpec {
        body,
        extra_networks: endpoints.collect(),
    }
}

/// The container's stop timeout in seconds: its own, else the engine's default (10s).
pub fn stop_timeout(inspect: &ContainerInspectResponse) -> i64 {
    inspect
        .config
        .as_ref()
        .and_then(|c| c.stop_timeout)
        .filter(|&t| t >= 0)
        .unwrap_or(DEFAULT_STOP_TIMEOUT_SECONDS)
}

/// Docker's own default: what `docker stop` waits before it kills.
pub const DEFAULT_STOP_TIMEOUT_SECONDS: i64 = 10;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn summary(
        id: &str,
        name: &str,
        labels: &[(&str, &str)],
        state: &str,
        created: i64,
    ) -> ContainerSummary {
        serde_json::from_value(serde_json::json!({
            "Id": id,
            "Names": [format!("/{name}")],
            "Labels": labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<HashMap<_, _>>(),
            "State": state,
            "Created": created,
        }))
        .expect("a container summary")
    }

    fn compose(id: &str, project: &str, service: &str, number: u32, state: &str) -> Replica {
        let n = number.to_string();
        let name = format!("{project}-{service}-{number}");
        Replica::from_summary(&summary(
            id,
            &name,
            &[
                (COMPOSE_PROJECT, project),
                (COMPOSE_SERVICE, service),
                (COMPOSE_NUMBER, &n),
                (COMPOSE_ONEOFF, "False"),
            ],
            state,
            1000 + i64::from(number),
        ))
        .expect("a replica")
    }

    #[test]
    fn reads_compose_and_scalegen_labels_and_skips_one_off_containers() {
        let web = compose("a", "shop", "web", 2, "running");
        assert_eq!(
            (
                web.labelling,
                web.project.as_str(),
                web.service.as_str(),
                web.number,
                web.state
            ),
            (Labelling::Compose, "shop", "web", Some(2), State::Running)
        );
        let one_off = summary(
            "b",
            "shop-web-run-1f2e",
            &[
                (COMPOSE_PROJECT, "shop"),
                (COMPOSE_SERVICE, "web"),
                (COMPOSE_ONEOFF, "True"),
            ],
            "running",
            1,
        );
        assert_eq!(Replica::from_summary(&one_off), None);
        // Without a number label, the name's suffix numbers it.
        let worker = Replica::from_summary(&summary(
            "c",
            "batch-worker-7",
            &[(SCALEGEN_SERVICE, "worker"), (SCALEGEN_PROJECT, "batch")],
            "restarting",
            1,
        ))
        .expect("a replica");
        assert_eq!(
            (
                worker.labelling,
                worker.project.as_str(),
                worker.number,
                worker.state
            ),
            (Labelling::Scalegen, "batch", Some(7), State::Restarting)
        );
        let unlabelled = summary("d", "db", &[("other", "x")], "running", 1);
        assert_eq!(Replica::from_summary(&unlabelled), None);
    }

    #[test]
    fn selects_one_project_and_refuses_to_guess_between_several() {
        let all = vec![
            compose("a", "shop", "web", 1, "running"),
            compose("b", "shop", "api", 1, "running"),
            compose("c", "staging", "web", 1, "running"),
        ];
        let err = select(&all, "web", None).expect_err("two projects");
        assert_eq!(
            err,
            "containers of service `web` belong to Compose project `shop` and Compose project \
             `staging`; pass `--project NAME` to choose one"
        );
        let shop = select(&all, "web", Some("shop"))
            .expect("one")
            .expect("found");
        assert_eq!(
            shop.containers
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["a"]
        );
        assert_eq!(
            select(&all, "api", None)
                .expect("one")
                .expect("found")
                .project,
            "shop"
        );
        assert_eq!(select(&all, "db", None), Ok(None));
    }

    #[test]
    fn numbers_and_names_new_replicas_as_compose_does() {
        let all = vec![
            compose("a", "shop", "web", 1, "running"),
            compose("b", "shop", "web", 4, "exited"),
        ];
        let selection = select(&all, "web", None).expect("one").expect("found");
        // One above the highest number in use, stopped containers included.
        assert_eq!(
            selection.next_name(&HashSet::new()),
            ("shop-web-5".into(), 5)
        );
        let taken = HashSet::from(["shop-web-5".to_owned()]);
        assert_eq!(selection.next_name(&taken), ("shop-web-6".into(), 6));
        // Compose v1 names keep their underscores.
        let mut v1 = selection.clone();
        for replica in &mut v1.containers {
            replica.name = replica.name.replace('-', "_");
        }
        assert_eq!(v1.next_name(&HashSet::new()), ("shop_web_5".into(), 5));
        assert_eq!(selection.template().map(|r| r.id.as_str()), Some("a"));
    }

    #[test]
    fn scales_down_containers_not_serving_first_then_the_newest() {
        let all = vec![
            compose("a", "shop", "web", 1, "running"),
            compose("b", "shop", "web", 2, "running"),
            compose("c", "shop", "web", 3, "running"),
            compose("d", "shop", "web", 4, "exited"),
            compose("e", "shop", "web", 5, "restarting"),
        ];
        let selection = select(&all, "web", None).expect("one").expect("found");
        let order: Vec<&str> = selection
            .removal_order()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(order, ["e", "c", "b", "a"]);
    }

    fn inspect(text: &str) -> ContainerInspectResponse {
        serde_json::from_str(text).expect("a recorded inspect response")
    }

    #[test]
    fn a_clone_copies_the_configuration_with_the_next_number() {
        let template = inspect(include_str!(
            "../../tests/fixtures/docker/inspect-shop-api-1.json"
        ));
        let spec = clone_spec(&template, Labelling::Compose, 3);
        let body = &spec.body;
        let labels = body.labels.as_ref().expect("labels");
        assert_eq!(labels[COMPOSE_NUMBER], "3");
        assert_eq!(labels[COMPOSE_ONEOFF], "False");
        assert_eq!(labels[COMPOSE_SERVICE], "api");
        assert_eq!(labels[COMPOSE_PROJECT], "shop");
        assert_eq!(body.image.as_deref(), Some("scalegen-e2e:busybox"));
        assert_eq!(
            body.cmd,
            Some(vec!["sleep".to_owned(), "100000".to_owned()])
        );
        // The engine named the template's hostname after its ID: the clone gets its own.
        assert_eq!(body.hostname, None);
        let host = body.host_config.as_ref().expect("host config");
        assert_eq!(
            (host.cpu_quota, host.memory),
            (Some(50_000), Some(128 << 20))
        );
        assert!(host.port_bindings.is_some(), "published ports are kept");
        // The network mode's network at create, the other connected after; aliases without
        // the template's own ID.
        let endpoints = body
            .networking_config
            .as_ref()
            .and_then(|n| n.endpoints_config.as_ref())
            .expect("endpoints");
        assert_eq!(endpoints.keys().collect::<Vec<_>>(), ["e2e_default"]);
        assert_eq!(
            endpoints["e2e_default"].aliases,
            Some(vec!["api".to_owned()])
        );
        assert_eq!(endpoints["e2e_default"].ip_address, None);
        assert_eq!(spec.extra_networks.len(), 1);
        assert_eq!(spec.extra_networks[0].0, "e2e_back");
        assert_eq!(
            spec.extra_networks[0].1.aliases,
            Some(vec!["api-back".to_owned()])
        );
    }

    #[test]
    fn a_clone_without_networking_keeps_a_chosen_hostname_and_scalegen_labels() {
        let template = inspect(include_str!(
            "../../tests/fixtures/docker/inspect-batch-worker-1.json"
        ));
        let spec = clone_spec(&template, Labelling::Scalegen, 2);
        assert_eq!(spec.body.hostname.as_deref(), Some("worker"));
        assert_eq!(spec.body.networking_config, None);
        assert!(spec.extra_networks.is_empty());
        let labels = spec.body.labels.as_ref().expect("labels");
        assert_eq!(labels[SCALEGEN_NUMBER], "2");
        assert_eq!(labels[SCALEGEN_SERVICE], "worker");
        assert!(!labels.contains_key(COMPOSE_ONEOFF));
        assert_eq!(stop_timeout(&template), 10);
        let web = inspect(include_str!(
            "../../tests/fixtures/docker/inspect-shop-web-1.json"
        ));
        assert_eq!(stop_timeout(&web), 5);
        let mounts = clone_spec(&web, Labelling::Compose, 2)
            .body
            .host_config
            .and_then(|h| h.binds);
        assert_eq!(mounts, Some(vec!["/srv/load:/load:ro".to_owned()]));
    }
}
