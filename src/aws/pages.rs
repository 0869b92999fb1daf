//! Paged describes: every item, page after page, until AWS gives no marker.

use std::future::Future;

use super::error::AwsError;

/// One page: its items and the next marker; `None` when AWS has none of what was asked for.
pub type Page<T> = Option<(Vec<T>, Option<String>)>;

/// Every item of a paged describe, `page(marker)` answering one page.
pub async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let Some((items, next)) = page(marker.take()).await? else {
            return Ok(out);
        };
        out.extend(items);
        match next {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}
