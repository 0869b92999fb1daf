//! Paged describes: every item, page after page, until AWS gives no marker.

use std::future::Future;

use super::error::AwsError;

/// One page: its items and the next marker; `None` when AWS has none of what was asked for.
pub type Page<T> = Option<(Vec<T>, Option<String>)>;

/// Every item of a paged describe, `page(marker)` answering one page.
pub async fn all_pages<T, F, Fut>(page: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    Ok(found_pages(page).await?.unwrap_or_default())
}

/// Every item of a paged describe of one thing, or `None` when AWS has no such thing (its
/// first page says so): the describe of a group's parameters tells whether the group exists.
pub async fn found_pages<T, F, Fut>(mut page: F) -> Result<Option<Vec<T>>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let Some((mut out, mut marker)) = page(None).await? else {
        return Ok(None);
    };
    while let Some(m) = marker.take() {
        let Some((items, next)) = page(Some(m)).await? else {
            break;
        };
        out.extend(items);
        marker = next;
    }
    Ok(Some(out))
}
