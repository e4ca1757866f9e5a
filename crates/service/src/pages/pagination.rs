//! The lists' pages: which page a query asks for, and the DSFR pagination that links them.

use super::*;

/// Rows on a page of a list.
pub const PER_PAGE: usize = 20;

/// A page number from the query (1 when absent or wrong).
pub fn page_number(page: Option<&str>) -> usize {
    page.and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// The DSFR pagination of a list: which page, how many, and the link of each.
pub struct Pagination {
    pub current: usize,
    pub pages: usize,
    /// The link without the page number (`/demandeurs?q=x&`), to which `page=N` is added.
    pub base: String,
}

impl Pagination {
    pub fn new(current: usize, total: usize, per_page: usize, base: String) -> Self {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        Self {
            current: current.min(pages),
            pages,
            base,
        }
    }

    pub fn link(&self, page: impl std::borrow::Borrow<usize>) -> String {
        format!("{}page={}", self.base, page.borrow())
    }

    /// The pages to show: first, last, and two around the current one.
    pub fn shown(&self) -> Vec<usize> {
        (1..=self.pages)
            .filter(|p| *p == 1 || *p == self.pages || p.abs_diff(self.current) <= 2)
            .collect()
    }

    /// Where a gap (…) falls after page `p` in [`Pagination::shown`].
    pub fn gap_after(&self, p: &usize) -> bool {
        let shown = self.shown();
        shown
            .iter()
            .position(|x| x == p)
            .and_then(|i| shown.get(i + 1))
            .is_some_and(|next| next - p > 1)
    }

    /// One page of a listing that the API pages by offset, [`PER_PAGE`] records a page:
    /// `fetch` calls the API's handler for an offset, `total` reads how many records the
    /// listing holds. A page past the last one (or past the deepest the API reaches) shows
    /// the last one, never an error.
    pub async fn fetch<T, Fut>(
        page: Option<&str>,
        base: String,
        fetch: impl Fn(api::OffsetPage) -> Fut,
        total: impl Fn(&T) -> u64,
    ) -> Result<(T, Pagination), PageError>
    where
        Fut: std::future::Future<Output = api::AppResult<axum::Json<T>>>,
    {
        let asked = page_number(page)
            .min(usize::try_from(api::MAX_OFFSET).unwrap_or(usize::MAX) / PER_PAGE);
        let mut found = fetch(api::OffsetPage::number(asked, PER_PAGE)).await?.0;
        let records = usize::try_from(total(&found)).unwrap_or(usize::MAX);
        let pagination = Pagination::new(asked, records, PER_PAGE, base);
        if asked > pagination.current {
            found = fetch(api::OffsetPage::number(pagination.current, PER_PAGE))
                .await?
                .0;
        }
        Ok((found, pagination))
    }

    /// The items of page `current` of a list.
    pub fn slice<'a, T>(&self, items: &'a [T], per_page: usize) -> &'a [T] {
        let start = (self.current - 1) * per_page;
        items
            .get(start..items.len().min(start + per_page))
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_shows_ends_and_neighbours_with_gaps() {
        let p = Pagination::new(6, 200, 20, "/x?".to_string());
        assert_eq!(p.pages, 10);
        assert_eq!(p.shown(), vec![1, 4, 5, 6, 7, 8, 10]);
        assert!(p.gap_after(&1));
        assert!(!p.gap_after(&4));
        assert!(p.gap_after(&8));
        assert_eq!(p.link(7), "/x?page=7");
        let items: Vec<usize> = (0..200).collect();
        assert_eq!(p.slice(&items, 20).first(), Some(&100));
        let beyond = Pagination::new(99, 5, 20, String::new());
        assert_eq!(beyond.current, 1);
        assert_eq!(beyond.slice(&items[..5], 20).len(), 5);
    }
}
