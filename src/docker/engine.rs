//! The Docker Engine operations `autoscale docker` needs, as a small trait, and its
//! implementation over the Engine API with bollard. The autoscaler only talks to [`Engine`], so
//! its tests drive it with recorded API responses instead of a daemon.
//!
//! The trait speaks the Engine API's own types (bollard's generated models are exactly its
//! JSON), so a recorded `GET /containers/{id}/stats` response is a valid test input as is.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use bollard::Docker;
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerStatsResponse, ContainerSummary,
    EndpointSettings, NetworkConnectRequest,
};
use bollard::query_parameters::{
    CreateContainerOptions, ListContainersOptions, RemoveContainerOptions, StatsOptions,
    StopContainerOptions,
};
use futures_util::StreamExt;

/// What the engine reports about itself and its host.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngineInfo {
    /// `28.2.2`.
    pub version: String,
    /// Host memory in bytes: the memory basis of containers without a memory limit.
    pub host_memory_bytes: u64,
    /// Host CPUs.
    pub cpus: u32,
    /// `1` or `2`, when the engine says.
    pub cgroup_version: Option<String>,
}

/// Why an engine operation failed, in the terms the autoscaler acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineErrorKind {
    /// The engine did not answer (socket missing, connection refused, timeout).
    Unreachable,
    /// The container (or network) does not exist (any more).
    NotFound,
    /// A name is taken, or the container is in a state that forbids the operation.
    Conflict,
    /// The engine refused the request for another reason (its message says why).
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError {
    pub kind: EngineErrorKind,
    pub message: String,
}

impl EngineError {
    pub fn new(kind: EngineErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == EngineErrorKind::NotFound
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

/// The engine operations the autoscaler uses. Futures are awaited on one thread; nothing is
/// spawned, so they need not be `Send`.
pub trait Engine {
    /// The engine's identity and host size; also the reachability check.
    fn info(&self) -> impl Future<Output = Result<EngineInfo, EngineError>>;
    /// Every container (any state) carrying the label key `label`.
    fn containers_with_label(
        &self,
        label: &str,
    ) -> impl Future<Output = Result<Vec<ContainerSummary>, EngineError>>;
    fn inspect(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<ContainerInspectResponse, EngineError>>;
    /// One stats sample, with the previous one (`precpu_stats`) when the engine has it.
    fn stats(&self, id: &str) -> impl Future<Output = Result<ContainerStatsResponse, EngineError>>;
    /// Creates a container named `name`; returns its ID.
    fn create(
        &self,
        name: &str,
        body: ContainerCreateBody,
    ) -> impl Future<Output = Result<String, EngineError>>;
    /// Connects a created container to one more network (engines before API 1.44 take only
    /// one network at create).
    fn connect(
        &self,
        id: &str,
        network: &str,
        endpoint: EndpointSettings,
    ) -> impl Future<Output = Result<(), EngineError>>;
    fn start(&self, id: &str) -> impl Future<Output = Result<(), EngineError>>;
    /// Stops a container: its stop signal, then SIGKILL after `timeout_seconds`.
    fn stop(&self, id: &str, timeout_seconds: i64)
    -> impl Future<Output = Result<(), EngineError>>;
    /// Removes a stopped container (and its anonymous volumes, as `docker compose rm` does).
    fn remove(&self, id: &str) -> impl Future<Output = Result<(), EngineError>>;
}

/// The Engine API over bollard: `DOCKER_HOST`, else the local socket.
pub struct DockerEngine {
    host: String,
    /// Made at the first request that finds the engine, with the API version lowered to the
    /// engine's (bollard speaks a newer API than older engines accept).
    client: OnceLock<Docker>,
}

/// Where the engine listens when `DOCKER_HOST` is unset.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Every request but `stop` (which waits out the container's stop timeout) must answer within
/// this; a stats sample takes the engine about a second.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl DockerEngine {
    /// Reads `DOCKER_HOST`. A host this client cannot speak to is an error now; an engine that
    /// is not (yet) there is one at each request, so the autoscaler retries.
    pub fn from_env() -> Result<Self, EngineError> {
        let host = std::env::var("DOCKER_HOST")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| DEFAULT_HOST.to_owned());
        if !["unix://", "tcp://", "http://"]
            .iter()
            .any(|scheme| host.starts_with(scheme))
        {
            return Err(EngineError::new(
                EngineErrorKind::Rejected,
                format!(
                    "cannot use DOCKER_HOST `{host}`: scalegen speaks to `unix:///path/to/docker.sock` \
                     and `tcp://host:port` (without TLS); set DOCKER_HOST to one of those"
                ),
            ));
        }
        Ok(Self {
            host,
            client: OnceLock::new(),
        })
    }

    /// Where the engine is expected: `unix:///var/run/docker.sock`.
    pub fn host(&self) -> &str {
        &self.host
    }

    async fn client(&self) -> Result<&Docker, EngineError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = Docker::connect_with_host(&self.host)
            .map_err(|e| self.error(e))?
            .with_timeout(REQUEST_TIMEOUT)
            .negotiate_version()
            .await
            .map_err(|e| self.error(e))?;
        Ok(self.client.get_or_init(|| client))
    }

    fn error(&self, err: bollard::errors::Error) -> EngineError {
        use bollard::errors::Error as E;
        match err {
            E::DockerResponseServerError {
                status_code,
                message,
            } => {
                let kind = match status_code {
                    404 => EngineErrorKind::NotFound,
                    409 => EngineErrorKind::Conflict,
                    _ => EngineErrorKind::Rejected,
                };
                EngineError::new(kind, message)
            }
            E::IOError { .. }
            | E::HyperLegacyError { .. }
            | E::HyperResponseError { .. }
            | E::RequestTimeoutError
            | E::SocketNotFoundError(_) => EngineError::new(
                EngineErrorKind::Unreachable,
                format!(
                    "the Docker engine at {} does not answer: {}",
                    self.host,
                    chain(&err)
                ),
            ),
            other => EngineError::new(EngineErrorKind::Rejected, chain(&other)),
        }
    }
}

/// An error with its causes, `a: b: c`, as bollard's own messages are terse.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl Engine for DockerEngine {
    async fn info(&self) -> Result<EngineInfo, EngineError> {
        let info = self
            .client()
            .await?
            .info()
            .await
            .map_err(|e| self.error(e))?;
        Ok(EngineInfo {
            version: info.server_version.unwrap_or_default(),
            host_memory_bytes: info
                .mem_total
                .and_then(|m| u64::try_from(m).ok())
                .unwrap_or(0),
            cpus: info.ncpu.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
            cgroup_version: info.cgroup_version.map(|v| v.to_string()),
        })
    }

    async fn containers_with_label(
        &self,
        label: &str,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let filters = HashMap::from([("label".to_owned(), vec![label.to_owned()])]);
        let options = ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..Default::default()
        };
        self.client()
            .await?
            .list_containers(Some(options))
            .await
            .map_err(|e| self.error(e))
    }

    async fn inspect(&self, id: &str) -> Result<ContainerInspectResponse, EngineError> {
        self.client()
            .await?
            .inspect_container(id, None)
            .await
            .map_err(|e| self.error(e))
    }

    async fn stats(&self, id: &str) -> Result<ContainerStatsResponse, EngineError> {
        // Not one-shot: the engine waits for a second sample, so `precpu_stats` is filled and a
        // container seen for the first time has a CPU reading.
        let options = StatsOptions {
            stream: false,
            one_shot: false,
        };
        let client = self.client().await?;
        let mut stream = Box::pin(client.stats(id, Some(options)));
        match stream.next().await {
            Some(result) => result.map_err(|e| self.error(e)),
            None => Err(EngineError::new(
                EngineErrorKind::Rejected,
                format!("the engine sent no stats for container {id}"),
            )),
        }
    }

    async fn create(&self, name: &str, body: ContainerCreateBody) -> Result<String, EngineError> {
        let options = CreateContainerOptions {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        let created = self
            .client()
            .await?
            .create_container(Some(options), body)
            .await
            .map_err(|e| self.error(e))?;
        Ok(created.id)
    }

    async fn connect(
        &self,
        id: &str,
        network: &str,
        endpoint: EndpointSettings,
    ) -> Result<(), EngineError> {
        let request = NetworkConnectRequest {
            container: id.to_owned(),
            endpoint_config: Some(endpoint),
        };
        self.client()
            .await?
            .connect_network(network, request)
            .await
            .map_err(|e| self.error(e))
    }

    async fn start(&self, id: &str) -> Result<(), EngineError> {
        self.client()
            .await?
            .start_container(id, None)
            .await
            .map_err(|e| self.error(e))
    }

    async fn stop(&self, id: &str, timeout_seconds: i64) -> Result<(), EngineError> {
        let timeout = i32::try_from(timeout_seconds.max(0)).unwrap_or(i32::MAX);
        let options = StopContainerOptions {
            t: Some(timeout),
            ..Default::default()
        };
        // The request lasts as long as the container takes to drain, up to its stop timeout.
        let client = self
            .client()
            .await?
            .clone()
            .with_timeout(REQUEST_TIMEOUT + Duration::from_secs(timeout.unsigned_abs().into()));
        client
            .stop_container(id, Some(options))
            .await
            .map_err(|e| self.error(e))
    }

    async fn remove(&self, id: &str) -> Result<(), EngineError> {
        let options = RemoveContainerOptions {
            v: true,
            ..Default::default()
        };
        self.client()
            .await?
            .remove_container(id, Some(options))
            .await
            .map_err(|e| self.error(e))
    }
}
