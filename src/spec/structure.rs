//! The structural check: every key known, every value of the right type and among the allowed
//! values, every required key present. It walks the positioned YAML tree against the JSON Schema
//! generated from the serde types, so the file format has one source of truth and every
//! structural problem in a file is reported at once, each at its own line.

use serde_json::{Map, Value as Json};

use super::diag::Diagnostic;
use super::tree::{KeyPath, Node, Pos, Scalar, Value};

/// Checks `root` against `schema` (a root schema with `$defs`).
pub fn check(root: &Node, schema: &Json) -> Vec<Diagnostic> {
    check_bounded(root, schema, usize::MAX).0
}

/// [`check`], keeping the first `max` diagnostics (in the order of the file) and counting
/// the rest, so that a file of a million unknown keys does not hold a million diagnostics.
pub fn check_bounded(root: &Node, schema: &Json, max: usize) -> (Vec<Diagnostic>, usize) {
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Json::as_object)
        .unwrap_or(&empty);
    let mut checker = Checker {
        defs,
        out: Vec::new(),
        max,
        omitted: 0,
    };
    checker.node(root, schema, &KeyPath::root(), root.pos);
    (checker.out, checker.omitted)
}

struct Checker<'a> {
    defs: &'a Map<String, Json>,
    out: Vec<Diagnostic>,
    /// The most diagnostics kept; `omitted` counts the rest.
    max: usize,
    omitted: usize,
}

/// Strings a schema allows, when it is an enumeration of strings.
fn enum_strings(s: &Json) -> Option<Vec<String>> {
    if let Some(values) = s.get("enum").and_then(Json::as_array) {
        return values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect();
    }
    if let Some(c) = s.get("const").and_then(Json::as_str) {
        return Some(vec![c.to_owned()]);
    }
    None
}

fn type_names(s: &Json) -> Vec<&str> {
    match s.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn describe_types(types: &[&str]) -> String {
    let words: Vec<&str> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "object" => "a mapping",
            "array" => "a list",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "true or false",
            _ => "a value",
        })
        .collect();
    words.join(" or ")
}

fn matches_type(value: &Value, t: &str) -> bool {
    matches!(
        (t, value),
        ("object", Value::Map(_))
            | ("array", Value::Seq(_))
            | ("string", Value::Scalar(Scalar::Str(_)))
            | ("integer", Value::Scalar(Scalar::Int(_)))
            | ("number", Value::Scalar(Scalar::Int(_) | Scalar::Float(_)))
            | ("boolean", Value::Scalar(Scalar::Bool(_)))
            | ("null", Value::Scalar(Scalar::Null))
    )
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn integer_range(s: &Json) -> (Option<i128>, Option<i128>) {
    let by_format = match s.get("format").and_then(Json::as_str) {
        Some("uint8") => (Some(0), Some(u8::MAX as i128)),
        Some("uint16") => (Some(0), Some(u16::MAX as i128)),
        Some("uint32") | Some("uint") => (Some(0), Some(u32::MAX as i128)),
        Some("uint64") => (Some(0), Some(u64::MAX as i128)),
        Some("int32") => (Some(i32::MIN as i128), Some(i32::MAX as i128)),
        _ => (None, None),
    };
    let min = s
        .get("minimum")
        .and_then(Json::as_f64)
        .map(|m| m as i128)
        .or(by_format.0);
    let max = s
        .get("maximum")
        .and_then(Json::as_f64)
        .map(|m| m as i128)
        .or(by_format.1);
    (min, max)
}

impl<'a> Checker<'a> {
    fn push(&mut self, d: Diagnostic) {
        if self.out.len() < self.max {
            self.out.push(d);
        } else {
            self.omitted += 1;
        }
    }

    fn resolve(&self, mut s: &'a Json) -> &'a Json {
        for _ in 0..32 {
            match s.get("$ref").and_then(Json::as_str) {
                Some(r) => match r
                    .strip_prefix("#/$defs/")
                    .and_then(|name| self.defs.get(name))
                {
                    Some(target) => s = target,
                    None => return s,
                },
                None => return s,
            }
        }
        s
    }

    fn node(&mut self, node: &Node, schema: &'a Json, path: &KeyPath, _key_pos: Pos) {
        let schema = self.resolve(schema);

        if let Some(alts) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            self.alternatives(node, alts, path);
            return;
        }

        if let Some(allowed) = enum_strings(schema) {
            match &node.value {
                Value::Scalar(Scalar::Str(s)) if allowed.contains(s) => {}
                _ => self.bad_enum(node, &allowed, path),
            }
            return;
        }

        let types = type_names(schema);
        if !types.is_empty() && !types.iter().any(|t| matches_type(&node.value, t)) {
            self.bad_type(node, &types, path);
            return;
        }

        match &node.value {
            Value::Map(entries) => {
                let props = schema.get("properties").and_then(Json::as_object);
                let additional = schema.get("additionalProperties");
                for entry in entries {
                    let child = path.key(&entry.key);
                    if let Some(sub) = props.and_then(|p| p.get(&entry.key)) {
                        self.node(&entry.value, sub, &child, entry.key_pos);
                    } else if let Some(sub) = additional.filter(|a| a.is_object()) {
                        self.node(&entry.value, sub, &child, entry.key_pos);
                    } else if props.is_some() {
                        self.unknown_key(entry.key_pos, &entry.key, props, &child);
                    }
                }
                if let Some(required) = schema.get("required").and_then(Json::as_array) {
                    for key in required.iter().filter_map(Json::as_str) {
                        if !entries.iter().any(|e| e.key == key) {
                            let mut d = Diagnostic::error(
                                node.pos,
                                &path.key(key),
                                format!("missing required key `{key}`"),
                            );
                            if let Some(desc) = props
                                .and_then(|p| p.get(key))
                                .map(|s| self.resolve(s))
                                .and_then(|s| s.get("description"))
                                .and_then(Json::as_str)
                            {
                                d = d.hint(format!("`{key}`: {desc}"));
                            }
                            self.push(d);
                        }
                    }
                }
            }
            Value::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.node(item, item_schema, &path.index(i), item.pos);
                    }
                }
            }
            Value::Scalar(Scalar::Int(v)) => {
                if types.contains(&"integer") {
                    let (min, max) = integer_range(schema);
                    let v = *v as i128;
                    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                        let range = match (min, max) {
                            (Some(a), Some(b)) => format!("an integer from {a} to {b}"),
                            (Some(a), None) => format!("an integer of at least {a}"),
                            (None, Some(b)) => format!("an integer of at most {b}"),
                            (None, None) => "an integer".to_owned(),
                        };
                        self.push(
                            Diagnostic::error(node.pos, path, format!("{v} is out of range"))
                                .allowed(range),
                        );
                    }
                }
            }
            Value::Scalar(_) => {}
        }
    }

    fn alternatives(&mut self, node: &Node, alts: &'a [Json], path: &KeyPath) {
        let resolved: Vec<&Json> = alts.iter().map(|a| self.resolve(a)).collect();
        // An enumeration written as one `const` per documented variant.
        let consts: Option<Vec<String>> = resolved
            .iter()
            .map(|a| enum_strings(a))
            .collect::<Option<Vec<Vec<String>>>>()
            .map(|v| v.into_iter().flatten().collect());
        if let Some(allowed) = consts {
            if !matches!(&node.value, Value::Scalar(Scalar::Str(s)) if allowed.contains(s)) {
                self.bad_enum(node, &allowed, path);
            }
            return;
        }
        // Words beside other forms (`password: generated` or `{secret_arn: ...}`): a word is
        // checked against all the words, anything else against the other forms.
        let words: Vec<String> = resolved
            .iter()
            .filter_map(|a| enum_strings(a))
            .flatten()
            .collect();
        let any_string = resolved
            .iter()
            .any(|a| enum_strings(a).is_none() && type_names(a).contains(&"string"));
        if !words.is_empty()
            && !any_string
            && let Value::Scalar(Scalar::Str(s)) = &node.value
        {
            if !words.contains(s) {
                self.bad_enum(node, &words, path);
            }
            return;
        }
        let mut first_errors = None;
        for alt in &resolved {
            if type_names(alt) == ["null"] && !matches!(node.value, Value::Scalar(Scalar::Null)) {
                continue;
            }
            if !words.is_empty() && enum_strings(alt).is_some() {
                continue;
            }
            let mut sub = Checker {
                defs: self.defs,
                out: Vec::new(),
                max: self.max,
                omitted: 0,
            };
            sub.node(node, alt, path, node.pos);
            if sub.out.is_empty() && sub.omitted == 0 {
                return;
            }
            first_errors.get_or_insert((sub.out, sub.omitted));
        }
        if let Some((errors, omitted)) = first_errors {
            self.omitted += omitted;
            for d in errors {
                self.push(d);
            }
        }
    }

    fn bad_enum(&mut self, node: &Node, allowed: &[String], path: &KeyPath) {
        let list = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (message, hint) = match &node.value {
            Value::Scalar(Scalar::Str(s)) => {
                let near = did_you_mean(&s.to_lowercase(), allowed.iter().map(String::as_str))
                    .map(|c| format!("did you mean `{c}`?"));
                (format!("`{s}` is not allowed here"), near)
            }
            other => (
                format!(
                    "expected one of the names below, found {}",
                    other.type_name()
                ),
                None,
            ),
        };
        let mut d = Diagnostic::error(node.pos, path, message).allowed(format!("one of {list}"));
        if let Some(h) = hint {
            d = d.hint(h);
        }
        self.push(d);
    }

    fn bad_type(&mut self, node: &Node, types: &[&str], path: &KeyPath) {
        let expected = describe_types(types);
        let found = node.value.type_name();
        let mut d = Diagnostic::error(
            node.pos,
            path,
            format!("expected {expected}, found {found}"),
        )
        .allowed(expected.clone());
        if types.contains(&"string") {
            let hint = match &node.value {
                Value::Scalar(Scalar::Int(i)) => {
                    Some(format!("quote it to keep it a string: `\"{i}\"`"))
                }
                Value::Scalar(Scalar::Float(f)) => Some(format!(
                    "quote it to keep it a string: `\"{f}\"`; unquoted, YAML reads a number, and `16.40` would become `16.4`"
                )),
                Value::Scalar(Scalar::Bool(b)) => {
                    Some(format!("quote it to keep it a string: `\"{b}\"`"))
                }
                _ => None,
            };
            if let Some(h) = hint {
                d = d.hint(h);
            }
        }
        if types.contains(&"array") && !matches!(node.value, Value::Seq(_)) {
            d = d.hint("write a list: `[a, b]`, or one `- item` per line");
        }
        self.push(d);
    }

    fn unknown_key(
        &mut self,
        pos: Pos,
        key: &str,
        props: Option<&Map<String, Json>>,
        path: &KeyPath,
    ) {
        let known: Vec<&str> = props
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut d = Diagnostic::error(pos, path, format!("unknown key `{key}`")).allowed(format!(
            "one of {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if let Some(near) = did_you_mean(key, known.iter().copied()) {
            d = d.hint(format!("did you mean `{near}`?"));
        }
        self.push(d);
    }
}
