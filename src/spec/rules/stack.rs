//! The stack itself: its name, region and tags, and whether it is a production stack.

use super::Rules;
use crate::spec::diag::Diagnostic;
use crate::spec::raw::Stack;
use crate::spec::tree::KeyPath;

/// The most tags a stack may give: AWS allows 50 a resource, and stackctl adds three of its own
/// (`Name`, `stackctl:stack`, `stackctl:apply`).
pub const MAX_STACK_TAGS: usize = 47;

/// Whether the stack's tags or name say it is production.
pub(super) fn is_production(stack: &Stack) -> bool {
    let prod = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "prod" | "production");
    stack.tags.iter().any(|(k, v)| {
        matches!(
            k.to_ascii_lowercase().as_str(),
            "environment" | "env" | "stage"
        ) && prod(v)
    }) || stack.stack.split('-').any(prod)
}

fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

impl Rules<'_> {
    pub(super) fn stack_level(&mut self) {
        let s = self.stack;
        self.identifier("stack", &s.stack, 40, "stack name");
        if !is_region(&s.region) {
            self.error(
                "region",
                format!("`{}` is not an AWS region name", s.region),
            )
            .allowed("a region code such as `us-east-1` or `eu-west-1`")
            .hint("run `aws ec2 describe-regions` to list them");
        }
        self.tags();
    }

    fn tags(&mut self) {
        let s = self.stack;
        if s.tags.len() > MAX_STACK_TAGS {
            self.key_error(
                KeyPath::root().key("tags"),
                format!("{} tags; a stack may have at most {MAX_STACK_TAGS}", s.tags.len()),
            )
            .allowed(format!("at most {MAX_STACK_TAGS} tags"))
            .hint("AWS allows 50 tags a resource, and stackctl adds `Name`, `stackctl:stack` and `stackctl:apply` to every resource it creates");
            // Each tag is not checked as well: one error says it all, in time linear in the file.
            return;
        }
        for (k, v) in &s.tags {
            let path = KeyPath::root().key("tags").key(k);
            let (klen, vlen) = (k.chars().count(), v.chars().count());
            if klen == 0 || klen > 128 {
                self.key_error(path.clone(), format!("the tag key has {klen} characters"))
                    .allowed("keys of 1 to 128 characters");
            }
            if vlen > 256 {
                let pos = self.root.locate_value(&path);
                self.push(Diagnostic::error(
                    pos,
                    &path,
                    format!("the tag value has {vlen} characters"),
                ))
                .allowed("values of up to 256 characters");
            }
            if k.starts_with("aws:") || k.starts_with("stackctl:") {
                self.key_error(path, format!("the tag key `{k}` is reserved"))
                    .allowed("a key not starting with `aws:` or `stackctl:`")
                    .hint("stackctl adds `stackctl:stack` itself");
            }
        }
    }
}
