//! The JSON Schema of the spec, generated from the serde types in [`super::raw`].

use schemars::generate::SchemaSettings;

/// The spec's JSON Schema (draft 2020-12), as a JSON value.
pub fn spec_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<super::raw::Stack>();
    let mut value = schema.to_value();
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://stackctl.dev/schema/stack-v1.json".into(),
        );
    }
    value
}
