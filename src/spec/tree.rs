//! A YAML document as a tree that remembers where every key and value stands in the file.
//!
//! serde_yaml locates only syntax and type errors. To point a rule broken by a well-typed value
//! (gp3 IOPS below 400 GiB) at its line too, the loader builds this tree from the same text with
//! a position on every node, and diagnostics look their key path up in it.

use std::collections::HashMap;
use std::fmt;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based line and column in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn from_marker(m: &Marker) -> Pos {
        Pos {
            line: m.line().max(1),
            column: m.col() + 1,
        }
    }
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path such as `database.replicas[1].instance_class`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_owned()));
        KeyPath(v)
    }
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }
    /// Parses `a.b[2].c` (keys may not contain `.` or `[`).
    pub fn parse(s: &str) -> Self {
        let mut segs = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                if open > 0 {
                    segs.push(Seg::Key(rest[..open].to_owned()));
                }
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let Some(close) = stripped.find(']') else {
                        break;
                    };
                    if let Ok(i) = stripped[..close].parse() {
                        segs.push(Seg::Index(i));
                    }
                    rest = &stripped[close + 1..];
                }
            } else {
                segs.push(Seg::Key(rest.to_owned()));
            }
        }
        KeyPath(segs)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A resolved YAML scalar (YAML 1.2 core schema, as serde_yaml resolves it).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    fn resolve(text: String, style: TScalarStyle) -> Scalar {
        if style != TScalarStyle::Plain {
            return Scalar::Str(text);
        }
        match text.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
            "true" | "True" | "TRUE" => return Scalar::Bool(true),
            "false" | "False" | "FALSE" => return Scalar::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return Scalar::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
            _ => {}
        }
        if let Some(i) = parse_int(&text) {
            return Scalar::Int(i);
        }
        if looks_like_float(&text)
            && let Ok(f) = text.parse::<f64>()
        {
            return Scalar::Float(f);
        }
        Scalar::Str(text)
    }

    /// A short name of the scalar's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) => "an integer",
            Scalar::Float(_) => "a number",
            Scalar::Str(_) => "a string",
        }
    }
}

fn parse_int(t: &str) -> Option<i64> {
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if let Some(h) = digits.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = digits.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        // `0755` is octal in YAML 1.1 and a string to serde_yaml: never silently a decimal.
        return None;
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

fn looks_like_float(t: &str) -> bool {
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    if t.len() > 1 && t.starts_with('0') && !t.starts_with("0.") {
        return false;
    }
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && t.chars().any(|c| c.is_ascii_digit())
}

/// A node and where its value starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// A mapping entry: its key, where the key stands, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar(Scalar),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Map(_) => "a mapping",
            Value::Seq(_) => "a list",
            Value::Scalar(s) => s.type_name(),
        }
    }
}

impl Node {
    /// The entry of a mapping by key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Where a key path stands: the key's position for a mapping entry, the value's for a list
    /// item. Falls back to the deepest ancestor that exists.
    pub fn locate(&self, path: &KeyPath) -> Pos {
        let mut node = self;
        let mut pos = self.pos;
        for seg in &path.0 {
            match (seg, &node.value) {
                (Seg::Key(k), Value::Map(_)) => match node.get(k) {
                    Some(e) => {
                        pos = e.key_pos;
                        node = &e.value;
                    }
                    None => return pos,
                },
                (Seg::Index(i), Value::Seq(items)) => match items.get(*i) {
                    Some(item) => {
                        pos = item.pos;
                        node = item;
                    }
                    None => return pos,
                },
                _ => return pos,
            }
        }
        pos
    }

    /// Where the value at a key path starts (the key's position when it has no value node).
    pub fn locate_value(&self, path: &KeyPath) -> Pos {
        let mut node = self;
        for seg in &path.0 {
            let next = match (seg, &node.value) {
                (Seg::Key(k), Value::Map(_)) => node.get(k).map(|e| &e.value),
                (Seg::Index(i), Value::Seq(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return self.locate(path),
            }
        }
        node.pos
    }
}

/// A problem found while building the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeError {
    pub pos: Pos,
    pub path: KeyPath,
    pub message: String,
    pub hint: Option<String>,
}

/// Parses YAML text into a [`Node`] tree. Syntax errors end the parse (one error); duplicate
/// keys are all reported and the first occurrence is kept.
pub fn parse(text: &str) -> Result<(Node, Vec<TreeError>), TreeError> {
    parse_bounded(text, usize::MAX).map(|(root, errors, _)| (root, errors))
}

/// [`parse`], keeping the first `max` errors and counting the rest.
pub fn parse_bounded(text: &str, max: usize) -> Result<(Node, Vec<TreeError>, usize), TreeError> {
    let mut builder = Builder {
        lines: text.lines().map(str::to_owned).collect(),
        errors: Bounded {
            max,
            ..Bounded::default()
        },
        ..Builder::default()
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        return Err(TreeError {
            pos: Pos::from_marker(e.marker()),
            path: KeyPath::root(),
            message: format!("YAML syntax error: {}", e.info()),
            hint: Some("check the indentation and quoting on this line and the one before".into()),
        });
    }
    if builder.documents > 1 {
        return Err(TreeError {
            pos: builder
                .second_document
                .unwrap_or(Pos { line: 1, column: 1 }),
            path: KeyPath::root(),
            message: "the file holds more than one YAML document".into(),
            hint: Some("one file describes one stack: remove the `---` and what follows".into()),
        });
    }
    let root = builder.root.unwrap_or(Node {
        pos: Pos { line: 1, column: 1 },
        value: Value::Scalar(Scalar::Null),
    });
    Ok((root, builder.errors.kept, builder.errors.omitted))
}

enum Frame {
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        /// The keys of `entries` and their lines, so that finding a duplicate is not a scan
        /// of the mapping.
        keys: HashMap<String, usize>,
        pending_key: Option<(String, Pos)>,
    },
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
}

/// Nesting deeper than any stack file needs is refused rather than followed.
const MAX_DEPTH: usize = 64;

/// The most nodes that aliases (`*name`) may add to the tree, in all. A stack file needs a few
/// aliases of a few nodes; an alias bomb (billion laughs) grows exponentially with its levels.
pub const MAX_ALIAS_NODES: usize = 10_000;

/// The most aliases a file may use.
pub const MAX_ALIASES: usize = 1_000;

/// The number of nodes in a tree.
fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Map(entries) => entries.iter().map(|e| 1 + count(&e.value)).sum(),
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Scalar(_) => 0,
    }
}

/// The errors found: the first `max` are kept, the rest counted.
#[derive(Default)]
struct Bounded {
    kept: Vec<TreeError>,
    max: usize,
    omitted: usize,
}

impl Bounded {
    fn report(&mut self, e: TreeError) {
        if self.kept.len() < self.max {
            self.kept.push(e);
        } else {
            self.omitted += 1;
        }
    }
}

#[derive(Default)]
struct Builder {
    /// The source lines, to tell a flow mapping's `{` from a block mapping's start.
    lines: Vec<String>,
    stack: Vec<Frame>,
    /// Levels of nesting being skipped beyond [`MAX_DEPTH`].
    skipping: usize,
    root: Option<Node>,
    /// Each anchored node and its number of nodes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Aliases met, and the nodes they added.
    aliases: usize,
    alias_nodes: usize,
    /// Aliases past the limits expand to null (one error says so).
    aliases_refused: bool,
    errors: Bounded,
    documents: usize,
    second_document: Option<Pos>,
}

impl Builder {
    fn path(&self) -> KeyPath {
        let mut segs = Vec::new();
        for frame in &self.stack {
            match frame {
                Frame::Map { pending_key, .. } => {
                    if let Some((k, _)) = pending_key {
                        segs.push(Seg::Key(k.clone()));
                    }
                }
                Frame::Seq { items, .. } => segs.push(Seg::Index(items.len())),
            }
        }
        KeyPath(segs)
    }

    fn push_node(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let n = count(&node);
            self.anchors.insert(anchor, (node.clone(), n));
        }
        let path = self.path();
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                keys,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = match &node.value {
                        Value::Scalar(Scalar::Str(s)) => s.clone(),
                        Value::Scalar(Scalar::Int(i)) => i.to_string(),
                        Value::Scalar(Scalar::Bool(b)) => b.to_string(),
                        Value::Scalar(Scalar::Float(f)) => f.to_string(),
                        Value::Scalar(Scalar::Null) => "null".to_owned(),
                        _ => {
                            self.errors.report(TreeError {
                                pos: node.pos,
                                path,
                                message: "a mapping key must be a plain word".into(),
                                hint: None,
                            });
                            "?".to_owned()
                        }
                    };
                    *pending_key = Some((key, node.pos));
                }
                Some((key, key_pos)) => {
                    if let Some(&first_line) = keys.get(&key) {
                        self.errors.report(TreeError {
                            pos: key_pos,
                            path,
                            message: format!(
                                "duplicate key `{key}` (first given on line {first_line})"
                            ),
                            hint: Some(
                                "a key may appear once in a mapping: keep one of the two".into(),
                            ),
                        });
                    } else {
                        keys.insert(key.clone(), key_pos.line);
                        entries.push(Entry {
                            key,
                            key_pos,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Pos::from_marker(&mark);
        if self.skipping > 0 {
            match ev {
                Event::MappingStart(..) | Event::SequenceStart(..) => self.skipping += 1,
                Event::MappingEnd | Event::SequenceEnd => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        if matches!(ev, Event::MappingStart(..) | Event::SequenceStart(..))
            && self.stack.len() >= MAX_DEPTH
        {
            self.skipping = 1;
            let path = self.path();
            self.errors.report(TreeError {
                pos,
                path,
                message: format!("nested more than {MAX_DEPTH} levels deep"),
                hint: Some("a stack file is a few levels deep: check the indentation".into()),
            });
            self.push_node(
                Node {
                    pos,
                    value: Value::Scalar(Scalar::Null),
                },
                0,
            );
            return;
        }
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents == 2 {
                    self.second_document = Some(pos);
                }
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node {
                    pos,
                    value: Value::Scalar(Scalar::resolve(text, style)),
                };
                self.push_node(node, anchor);
            }
            Event::Alias(id) => {
                let null = Node {
                    pos,
                    value: Value::Scalar(Scalar::Null),
                };
                let node = match self.anchors.get(&id) {
                    Some(_) if self.aliases_refused => null,
                    Some((n, size)) => {
                        self.aliases += 1;
                        self.alias_nodes = self.alias_nodes.saturating_add(*size);
                        if self.aliases > MAX_ALIASES || self.alias_nodes > MAX_ALIAS_NODES {
                            self.aliases_refused = true;
                            let path = self.path();
                            self.errors.report(TreeError {
                                    pos,
                                    path,
                                    message: if self.aliases > MAX_ALIASES {
                                        format!(
                                            "more than {MAX_ALIASES} YAML aliases (`*name`): the rest are not expanded"
                                        )
                                    } else {
                                        format!(
                                            "YAML aliases (`*name`) expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?): the rest are not expanded"
                                        )
                                    },
                                    hint: Some(
                                        "a stack file needs few aliases: write the values out"
                                            .into(),
                                    ),
                                },
                            );
                            null
                        } else {
                            Node {
                                pos,
                                value: n.value.clone(),
                            }
                        }
                    }
                    None => null,
                };
                self.push_node(node, 0);
            }
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                pos,
                anchor,
                entries: Vec::new(),
                keys: HashMap::new(),
                pending_key: None,
            }),
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                pos,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingEnd | Event::SequenceEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Map {
                        pos,
                        anchor,
                        entries,
                        ..
                    }) => {
                        // The parser marks a block mapping's start at the colon after its first
                        // key; the mapping starts at that key.
                        let flow = self
                            .lines
                            .get(pos.line.wrapping_sub(1))
                            .and_then(|l| l.chars().nth(pos.column.wrapping_sub(1)))
                            == Some('{');
                        let pos = match entries.first() {
                            Some(first) if !flow => first.key_pos,
                            _ => pos,
                        };
                        (
                            Node {
                                pos,
                                value: Value::Map(entries),
                            },
                            anchor,
                        )
                    }
                    Some(Frame::Seq { pos, anchor, items }) => (
                        Node {
                            pos,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    None => return,
                };
                self.push_node(node, anchor);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - y: true\n";
        let (root, errs) = parse(text).expect("parses");
        assert!(errs.is_empty());
        assert_eq!(
            root.locate(&KeyPath::parse("a.b")),
            Pos { line: 2, column: 3 }
        );
        assert_eq!(
            root.locate_value(&KeyPath::parse("a.b")),
            Pos { line: 2, column: 6 }
        );
        assert_eq!(
            root.locate(&KeyPath::parse("a.c[1].y")),
            Pos { line: 5, column: 7 }
        );
        // A missing key falls back to its deepest existing ancestor.
        assert_eq!(
            root.locate(&KeyPath::parse("a.zz")),
            Pos { line: 1, column: 1 }
        );
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_lines() {
        let (_, errs) = parse("a: 1\nb: 2\na: 3\n").expect("parses");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].pos, Pos { line: 3, column: 1 });
        assert!(errs[0].message.contains("line 1"), "{}", errs[0].message);
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").expect_err("must fail");
        assert!(err.pos.line >= 1);
        assert!(err.message.starts_with("YAML syntax error"));
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let (root, _) = parse("a: 1\nb: '1'\nc: 1.5\nd: yes\ne: ~\nf: true\n").expect("parses");
        let v = |k: &str| match &root.get(k).expect("key").value.value {
            Value::Scalar(s) => s.clone(),
            _ => panic!("not a scalar"),
        };
        assert_eq!(v("a"), Scalar::Int(1));
        assert_eq!(v("b"), Scalar::Str("1".into()));
        assert_eq!(v("c"), Scalar::Float(1.5));
        assert_eq!(v("d"), Scalar::Str("yes".into()));
        assert_eq!(v("e"), Scalar::Null);
        assert_eq!(v("f"), Scalar::Bool(true));
    }

    #[test]
    fn deep_nesting_is_refused_not_followed() {
        let text = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        let (_, errs) = parse(&text).expect("parses");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("nested"));
        // Deeper still, the parser's own limit answers with a syntax error.
        let text = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        assert!(parse(&text).is_err());
    }

    #[test]
    fn key_path_round_trips() {
        let p = KeyPath::parse("database.replicas[1].instance_class");
        assert_eq!(p.to_string(), "database.replicas[1].instance_class");
    }
}
