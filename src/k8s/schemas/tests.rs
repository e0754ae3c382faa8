use super::*;

/// Every node of a schema, with its JSON pointer.
fn nodes(value: &Value) -> Vec<(String, &Value)> {
    fn walk<'v>(value: &'v Value, path: String, out: &mut Vec<(String, &'v Value)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    walk(child, format!("{path}/{escaped}"), out);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    walk(child, format!("{path}/{index}"), out);
                }
            }
            _ => {}
        }
        out.push((path, value));
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn schema_of(api_version: &str, kind: &str) -> Value {
    generate(api_version, kind).expect("supported pair")
}

fn all_schemas() -> Vec<(&'static str, &'static str, Value)> {
    supported()
        .map(|(api_version, kind)| (api_version, kind, schema_of(api_version, kind)))
        .collect()
}

#[test]
fn the_supported_table_lists_each_kind_once() {
    let pairs: Vec<_> = supported().collect();
    assert_eq!(
        pairs,
        [
            ("autoscaling/v2", "HorizontalPodAutoscaler"),
            ("autoscaling/v1", "HorizontalPodAutoscaler"),
            ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
            ("autoscaling/v2beta1", "HorizontalPodAutoscaler"),
            ("apps/v1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "ReplicaSet"),
        ]
    );
    let unique: BTreeSet<_> = pairs.iter().collect();
    assert_eq!(unique.len(), pairs.len());
}

#[test]
fn every_supported_kind_compiles_and_is_cached() {
    for (api_version, kind) in supported() {
        let first = validator(api_version, kind).expect("supported pair");
        assert_eq!((first.api_version(), first.kind()), (api_version, kind));
        let again = validator(api_version, kind).expect("supported pair");
        assert!(
            std::ptr::eq(first, again),
            "{api_version} {kind} built twice"
        );
        assert_eq!(first.schema(), &schema_of(api_version, kind));
    }
}

#[test]
fn unsupported_pairs_have_no_validator() {
    for (api_version, kind) in [
        ("apps/v1", "HorizontalPodAutoscaler"),
        ("autoscaling/v2", "Deployment"),
        ("apps/v1", "deployment"),
        ("apps/v1beta1", "Deployment"),
        ("extensions/v1beta1", "Deployment"),
        ("v1", "Service"),
        ("", ""),
    ] {
        assert!(
            validator(api_version, kind).is_none(),
            "{api_version} {kind}"
        );
        assert!(
            generate(api_version, kind).is_none(),
            "{api_version} {kind}"
        );
        assert!(build(api_version, kind).is_none(), "{api_version} {kind}");
    }
}

#[test]
fn api_versions_of_a_kind() {
    let hpa: Vec<_> = api_versions_of("HorizontalPodAutoscaler").collect();
    assert_eq!(
        hpa,
        [
            "autoscaling/v2",
            "autoscaling/v1",
            "autoscaling/v2beta2",
            "autoscaling/v2beta1"
        ]
    );
    assert_eq!(
        api_versions_of("Deployment").collect::<Vec<_>>(),
        ["apps/v1"]
    );
    assert_eq!(api_versions_of("Service").count(), 0);
}

#[test]
fn every_ref_is_local_and_resolves() {
    for (api_version, kind, schema) in all_schemas() {
        let definitions = schema["definitions"].as_object().expect("definitions");
        let mut refs = 0;
        for (path, node) in nodes(&schema) {
            if let Some(reference) = node.get("$ref") {
                refs += 1;
                let name = reference
                    .as_str()
                    .and_then(local_definition)
                    .unwrap_or_else(|| panic!("{api_version} {kind} {path}: {reference}"));
                assert!(
                    definitions.contains_key(&name),
                    "{api_version} {kind}: {name}"
                );
            }
        }
        assert!(refs > 3, "{api_version} {kind} has {refs} refs");
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}

#[test]
fn every_object_with_properties_rejects_unknown_fields_and_maps_stay_open() {
    for (api_version, kind, schema) in all_schemas() {
        let mut maps = 0;
        for (path, node) in nodes(&schema) {
            let Some(map) = node.as_object() else {
                continue;
            };
            // Only schema objects: a `properties` value is a name → schema map.
            if path.ends_with("/properties") || path.ends_with("/definitions") {
                continue;
            }
            if map.contains_key("properties") {
                assert_eq!(
                    map.get("additionalProperties"),
                    Some(&Value::Bool(false)),
                    "{api_version} {kind} {path} is open"
                );
            } else if let Some(Value::Object(values)) = map.get("additionalProperties") {
                maps += 1;
                assert!(!values.is_empty(), "{api_version} {kind} {path}");
            }
        }
        assert!(
            maps >= 2,
            "{api_version} {kind}: labels and annotations at least"
        );
    }
    let deployment = schema_of("apps/v1", "Deployment");
    let meta = &deployment["definitions"]["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
    assert_eq!(
        meta["properties"]["labels"]["additionalProperties"],
        json!({"type": ["string", "null"]})
    );
    // RawExtension-like objects without properties stay open.
    let fields_v1 = &deployment["definitions"]["io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"];
    assert_eq!(fields_v1.get("additionalProperties"), None);
    assert_eq!(fields_v1["type"], "object");
}

#[test]
fn preserve_unknown_fields_stays_open() {
    let mut schema = json!({
        "type": "object",
        "properties": {
            "open": {
                "type": "object",
                "properties": {"known": {"type": "string"}},
                "x-kubernetes-preserve-unknown-fields": true,
            },
            "closed": {"type": "object", "properties": {"known": {"type": "string"}}},
        },
    });
    tighten(&mut schema, "example.com/v1", "Example");
    assert_eq!(
        schema["properties"]["open"].get("additionalProperties"),
        None
    );
    assert_eq!(
        schema["properties"]["closed"]["additionalProperties"],
        false
    );
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["properties"]["apiVersion"],
        json!({"const": "example.com/v1"})
    );
    assert_eq!(schema["properties"]["kind"], json!({"const": "Example"}));
    assert_eq!(
        schema["required"],
        json!(["apiVersion", "kind", "metadata", "spec"])
    );
}

#[test]
fn integers_get_the_bounds_of_their_go_type() {
    let mut int32 = 0;
    let mut int64 = 0;
    for (api_version, kind, schema) in all_schemas() {
        for (path, node) in nodes(&schema) {
            let Some(map) = node.as_object() else {
                continue;
            };
            if path.ends_with("/properties") || !has_type(map, "integer") {
                continue;
            }
            let (min, max) = (&map["minimum"], &map["maximum"]);
            match map.get("format").and_then(Value::as_str) {
                Some("int32") => {
                    int32 += 1;
                    assert_eq!((min, max), (&json!(i32::MIN), &json!(i32::MAX)), "{path}");
                }
                Some("int64") => {
                    int64 += 1;
                    assert_eq!((min, max), (&json!(i64::MIN), &json!(i64::MAX)), "{path}");
                }
                other => assert!(
                    path.ends_with("intstr.IntOrString"),
                    "{api_version} {kind} {path}: integer with format {other:?}"
                ),
            }
        }
    }
    assert!(int32 > 50 && int64 > 10, "{int32} int32, {int64} int64");
}

#[test]
fn quantity_and_int_or_string_are_replaced() {
    let schema = schema_of("apps/v1", "Deployment");
    let quantity = &schema["definitions"][QUANTITY];
    assert_eq!(quantity["type"], json!(["string", "number"]));
    assert_eq!(quantity["pattern"], QUANTITY_PATTERN);
    assert!(
        quantity["description"]
            .as_str()
            .is_some_and(|d| d.contains("Quantity"))
    );
    let int_or_string = &schema["definitions"][INT_OR_STRING];
    assert_eq!(int_or_string["type"], json!(["integer", "string"]));
    assert_eq!(int_or_string["maximum"], json!(i32::MAX));
    let time = &schema["definitions"]["io.k8s.apimachinery.pkg.apis.meta.v1.Time"];
    assert_eq!(time["format"], "date-time");
    for definition in [quantity, int_or_string, time] {
        assert!(
            definition[EXPECTED_ANNOTATION]
                .as_str()
                .is_some_and(|e| e.contains('`'))
        );
    }
}

#[test]
fn optional_fields_accept_null_and_required_ones_do_not() {
    let schema = schema_of("autoscaling/v2", "HorizontalPodAutoscaler");
    let spec = &schema["definitions"]["io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec"];
    let properties = &spec["properties"];
    assert_eq!(
        properties["minReplicas"]["type"],
        json!(["integer", "null"])
    );
    assert_eq!(properties["maxReplicas"]["type"], "integer");
    assert_eq!(properties["metrics"]["type"], json!(["array", "null"]));
    assert_eq!(
        properties["behavior"]["else"]["$ref"],
        "#/definitions/io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior"
    );
    assert_eq!(properties["behavior"]["if"], json!({"type": "null"}));
    assert_eq!(
        properties["scaleTargetRef"]["allOf"],
        json!([{"$ref": "#/definitions/io.k8s.api.autoscaling.v2.CrossVersionObjectReference"}])
    );
    assert!(properties["scaleTargetRef"].get("if").is_none());
    // Array items never accept null.
    assert_eq!(
        properties["metrics"]["items"],
        json!({"$ref": "#/definitions/io.k8s.api.autoscaling.v2.MetricSpec"})
    );
}

#[test]
fn make_nullable_covers_every_shape() {
    let cases = [
        (
            json!({"$ref": "#/definitions/A"}),
            json!({"if": {"type": "null"}, "else": {"$ref": "#/definitions/A"}}),
        ),
        (
            json!({"description": "d", "allOf": [{"$ref": "#/definitions/A"}]}),
            json!({"description": "d", "if": {"type": "null"}, "else": {"$ref": "#/definitions/A"}}),
        ),
        (
            json!({"type": "string"}),
            json!({"type": ["string", "null"]}),
        ),
        (
            json!({"type": ["integer", "string"]}),
            json!({"type": ["integer", "string", "null"]}),
        ),
        (
            json!({"type": ["string", "null"]}),
            json!({"type": ["string", "null"]}),
        ),
        (
            json!({"type": "string", "enum": ["a"]}),
            json!({"type": ["string", "null"], "enum": ["a", null]}),
        ),
        (json!({"const": 1}), json!({"enum": [1, null]})),
        (json!({}), json!({})),
        (json!(true), json!(true)),
    ];
    for (mut input, expected) in cases {
        make_nullable(&mut input);
        assert_eq!(input, expected);
    }
}

#[test]
fn strip_null_undoes_schemars_options() {
    let mut schema = json!({
        "type": "object",
        "properties": {
            "a": {"description": "d", "anyOf": [{"$ref": "#/definitions/A"}, {"type": "null"}]},
            "b": {"type": ["integer", "null"], "format": "int32"},
            "c": {"type": ["array", "null"], "items": {"type": "string"}},
            "d": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]},
            "e": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
    });
    strip_null(&mut schema);
    let properties = &schema["properties"];
    assert_eq!(
        properties["a"],
        json!({"description": "d", "allOf": [{"$ref": "#/definitions/A"}]})
    );
    assert_eq!(
        properties["b"],
        json!({"type": "integer", "format": "int32"})
    );
    assert_eq!(
        properties["c"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(properties["d"], json!({"type": "string", "minLength": 1}));
    assert_eq!(
        properties["e"],
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
}

#[test]
fn nothing_is_required_inside_status_only_definitions() {
    let schema = schema_of("autoscaling/v2", "HorizontalPodAutoscaler");
    let definitions = &schema["definitions"];
    for name in [
        "HorizontalPodAutoscalerStatus",
        "HorizontalPodAutoscalerCondition",
        "MetricStatus",
        "MetricValueStatus",
        "ResourceMetricStatus",
    ] {
        let definition = &definitions[format!("io.k8s.api.autoscaling.v2.{name}")];
        assert!(definition.is_object(), "{name}");
        assert_eq!(definition.get("required"), None, "{name}");
    }
    // Shared with the spec: still required.
    assert_eq!(
        definitions["io.k8s.api.autoscaling.v2.CrossVersionObjectReference"]["required"],
        json!(["kind", "name"])
    );
    assert_eq!(
        definitions["io.k8s.api.autoscaling.v2.MetricIdentifier"]["required"],
        json!(["name"])
    );
    let statefulset = schema_of("apps/v1", "StatefulSet");
    assert_eq!(
        statefulset["definitions"]["io.k8s.api.apps.v1.StatefulSetStatus"].get("required"),
        None
    );
}

#[test]
fn v2beta2_is_v2_without_tolerance_under_its_own_names() {
    let schema = schema_of("autoscaling/v2beta2", "HorizontalPodAutoscaler");
    let text = serde_json::to_string(&schema).expect("serializable");
    assert!(
        !text.contains("io.k8s.api.autoscaling.v2."),
        "a v2 name is left"
    );
    let rules = &schema["definitions"]["io.k8s.api.autoscaling.v2beta2.HPAScalingRules"];
    let names: Vec<_> = rules["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .collect();
    assert_eq!(
        names,
        ["policies", "selectPolicy", "stabilizationWindowSeconds"]
    );
    assert_eq!(
        schema["title"],
        "io.k8s.api.autoscaling.v2beta2.HorizontalPodAutoscaler"
    );
    assert_eq!(
        schema["properties"]["apiVersion"]["const"],
        "autoscaling/v2beta2"
    );
    // And v2 itself still has it.
    let v2 = schema_of("autoscaling/v2", "HorizontalPodAutoscaler");
    assert!(
        v2["definitions"]["io.k8s.api.autoscaling.v2.HPAScalingRules"]["properties"]
            .get("tolerance")
            .is_some()
    );
}

#[test]
fn v2beta1_uses_its_own_shape_and_names() {
    let schema = schema_of("autoscaling/v2beta1", "HorizontalPodAutoscaler");
    let definitions = schema["definitions"].as_object().expect("definitions");
    assert!(
        definitions
            .keys()
            .all(|name| !name.starts_with("io.k8s.api.autoscaling.v2."))
    );
    let resource = &definitions["io.k8s.api.autoscaling.v2beta1.ResourceMetricSource"];
    assert_eq!(resource["required"], json!(["name"]));
    let names: Vec<_> = resource["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .collect();
    assert_eq!(
        names,
        ["name", "targetAverageUtilization", "targetAverageValue"]
    );
    let object = &definitions["io.k8s.api.autoscaling.v2beta1.ObjectMetricSource"];
    assert_eq!(
        object["required"],
        json!(["target", "metricName", "targetValue"])
    );
    let spec = &definitions["io.k8s.api.autoscaling.v2beta1.HorizontalPodAutoscalerSpec"];
    assert_eq!(spec["required"], json!(["scaleTargetRef", "maxReplicas"]));
    assert_eq!(
        definitions["io.k8s.api.autoscaling.v2beta1.CrossVersionObjectReference"]["required"],
        json!(["kind", "name"])
    );
}

#[test]
fn rename_definitions_renames_refs_titles_and_keys_only() {
    let mut schema = json!({
        "title": "a.v2.Root",
        "properties": {"x": {"$ref": "#/definitions/a.v2.X"}, "y": {"$ref": "#/definitions/a.v2beta1.Y"}},
        "definitions": {"a.v2.X": {"description": "a.v2.X stays in prose"}, "a.v2beta1.Y": {}},
    });
    rename_definitions(&mut schema, "a.v2.", "a.v3.");
    assert_eq!(
        schema,
        json!({
            "title": "a.v3.Root",
            "properties": {"x": {"$ref": "#/definitions/a.v3.X"}, "y": {"$ref": "#/definitions/a.v2beta1.Y"}},
            "definitions": {"a.v3.X": {"description": "a.v2.X stays in prose"}, "a.v2beta1.Y": {}},
        })
    );
}

#[test]
fn the_v2beta1_structs_round_trip_through_serde() {
    let document = json!({
        "apiVersion": "autoscaling/v2beta1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 60}}],
        },
    });
    let typed: HorizontalPodAutoscalerV2beta1 =
        serde_json::from_value(document.clone()).expect("deserializes");
    let spec = typed.spec.as_ref().expect("spec");
    assert_eq!(spec.max_replicas, 10);
    let resource = spec
        .metrics
        .as_ref()
        .and_then(|m| m[0].resource.as_ref())
        .expect("resource");
    assert_eq!(resource.target_average_utilization, Some(60));
    assert_eq!(serde_json::to_value(&typed).expect("serializes"), document);
}
