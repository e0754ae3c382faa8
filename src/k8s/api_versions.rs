//! Which Kubernetes releases serve which apiVersion of the kinds `check` reads: when a version
//! was added, deprecated and removed, and what replaces it.

use std::fmt;
use std::str::FromStr;

/// A Kubernetes release, `major.minor` (a patch level is accepted and ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubernetesVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubernetesVersion {
    /// The release scalegen's Kubernetes types follow (k8s-openapi's `v1_33`).
    pub const DEFAULT: KubernetesVersion = KubernetesVersion::new(1, 33);

    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for KubernetesVersion {
    type Err = String;

    /// `1.33`, `v1.33` or `1.33.2`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a Kubernetes version; write it like `1.33`");
        let trimmed = text.trim().trim_start_matches('v');
        let mut parts = trimmed.split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if let Some(patch) = parts.next()
            && patch.parse::<u32>().is_err()
        {
            return Err(bad());
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Self { major, minor })
    }
}

/// One apiVersion of a kind and the releases that serve it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Served {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub added_in: KubernetesVersion,
    pub deprecated_in: Option<KubernetesVersion>,
    pub removed_in: Option<KubernetesVersion>,
    /// What to use instead, once deprecated.
    pub replacement: &'static str,
}

const fn v(minor: u32) -> KubernetesVersion {
    KubernetesVersion::new(1, minor)
}

/// The apiVersions of the kinds `check` reads, from the Kubernetes deprecation guide.
pub const SERVED: &[Served] = &[
    Served {
        kind: "HorizontalPodAutoscaler",
        api_version: "autoscaling/v2",
        added_in: v(23),
        deprecated_in: None,
        removed_in: None,
        replacement: "autoscaling/v2",
    },
    Served {
        kind: "HorizontalPodAutoscaler",
        api_version: "autoscaling/v1",
        added_in: v(2),
        deprecated_in: None,
        removed_in: None,
        replacement: "autoscaling/v2",
    },
    Served {
        kind: "HorizontalPodAutoscaler",
        api_version: "autoscaling/v2beta2",
        added_in: v(12),
        deprecated_in: Some(v(23)),
        removed_in: Some(v(26)),
        replacement: "autoscaling/v2",
    },
    Served {
        kind: "HorizontalPodAutoscaler",
        api_version: "autoscaling/v2beta1",
        added_in: v(6),
        deprecated_in: Some(v(22)),
        removed_in: Some(v(25)),
        replacement: "autoscaling/v2",
    },
    Served {
        kind: "Deployment",
        api_version: "apps/v1",
        added_in: v(9),
        deprecated_in: None,
        removed_in: None,
        replacement: "apps/v1",
    },
    Served {
        kind: "StatefulSet",
        api_version: "apps/v1",
        added_in: v(9),
        deprecated_in: None,
        removed_in: None,
        replacement: "apps/v1",
    },
    Served {
        kind: "ReplicaSet",
        api_version: "apps/v1",
        added_in: v(9),
        deprecated_in: None,
        removed_in: None,
        replacement: "apps/v1",
    },
    Served {
        kind: "Deployment",
        api_version: "extensions/v1beta1",
        added_in: v(2),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
    Served {
        kind: "Deployment",
        api_version: "apps/v1beta1",
        added_in: v(6),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
    Served {
        kind: "Deployment",
        api_version: "apps/v1beta2",
        added_in: v(8),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
    Served {
        kind: "StatefulSet",
        api_version: "apps/v1beta1",
        added_in: v(5),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
    Served {
        kind: "StatefulSet",
        api_version: "apps/v1beta2",
        added_in: v(8),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
    Served {
        kind: "ReplicaSet",
        api_version: "extensions/v1beta1",
        added_in: v(2),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
    Served {
        kind: "ReplicaSet",
        api_version: "apps/v1beta2",
        added_in: v(8),
        deprecated_in: Some(v(9)),
        removed_in: Some(v(16)),
        replacement: "apps/v1",
    },
];

/// What a release of Kubernetes does with an apiVersion of a kind it knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    Served,
    /// Served, with a warning: it goes away in a later release.
    Deprecated(&'static Served),
    Removed(&'static Served),
    /// Added in a later release.
    NotYet(&'static Served),
    /// No release serves it.
    Unknown,
}

/// How `release` serves `api_version` of `kind`; `None` for a kind this table does not cover.
pub fn availability(
    kind: &str,
    api_version: &str,
    release: KubernetesVersion,
) -> Option<Availability> {
    if !SERVED.iter().any(|s| s.kind == kind) {
        return None;
    }
    let Some(served) = SERVED
        .iter()
        .find(|s| s.kind == kind && s.api_version == api_version)
    else {
        return Some(Availability::Unknown);
    };
    Some(if release < served.added_in {
        Availability::NotYet(served)
    } else if served.removed_in.is_some_and(|r| release >= r) {
        Availability::Removed(served)
    } else if served.deprecated_in.is_some_and(|d| release >= d) {
        Availability::Deprecated(served)
    } else {
        Availability::Served
    })
}

/// The apiVersions `release` serves for `kind`, newest first as the table lists them.
pub fn served_versions(kind: &str, release: KubernetesVersion) -> Vec<&'static str> {
    SERVED
        .iter()
        .filter(|s| s.kind == kind)
        .filter(|s| {
            matches!(
                availability(kind, s.api_version, release),
                Some(Availability::Served | Availability::Deprecated(_))
            )
        })
        .map(|s| s.api_version)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_with_or_without_v_and_patch() {
        assert_eq!("1.26".parse(), Ok(KubernetesVersion::new(1, 26)));
        assert_eq!("v1.30.2".parse(), Ok(KubernetesVersion::new(1, 30)));
        assert!("1".parse::<KubernetesVersion>().is_err());
        assert!("1.2.3.4".parse::<KubernetesVersion>().is_err());
        assert!("latest".parse::<KubernetesVersion>().is_err());
    }

    #[test]
    fn v2beta2_is_deprecated_in_1_23_and_gone_in_1_26() {
        let at = |minor| {
            availability(
                "HorizontalPodAutoscaler",
                "autoscaling/v2beta2",
                KubernetesVersion::new(1, minor),
            )
        };
        assert_eq!(at(22), Some(Availability::Served));
        assert!(matches!(at(23), Some(Availability::Deprecated(_))));
        assert!(matches!(at(26), Some(Availability::Removed(_))));
        assert_eq!(
            availability("HorizontalPodAutoscaler", "autoscaling/v3", v(33)),
            Some(Availability::Unknown)
        );
        assert_eq!(availability("ConfigMap", "v1", v(33)), None);
        assert_eq!(
            served_versions("HorizontalPodAutoscaler", v(33)),
            ["autoscaling/v2", "autoscaling/v1"]
        );
    }
}
