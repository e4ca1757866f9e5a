use super::*;

#[test]
fn only_paths_of_this_site_follow_sign_in() {
    assert_eq!(safe_next(Some("/offres/3")), "/offres/3");
    assert_eq!(safe_next(Some("//evil.example")), "");
    assert_eq!(safe_next(Some("https://evil.example")), "");
    assert_eq!(safe_next(Some("/\\evil.example")), "");
    assert_eq!(safe_next(None), "");
    // Regression (probe, defect 6): a tab, a line break or a space after the first slash.
    assert_eq!(safe_next(Some("/\t/evil.example")), "");
    assert_eq!(safe_next(Some("/\n/evil.example")), "");
    assert_eq!(safe_next(Some("/ /evil.example")), "");
    assert_eq!(safe_next(Some("/offres\r\nSet-Cookie: x=1")), "");
    assert_eq!(
        safe_next(Some("/offres/3?fait=etat#mises-en-relation")),
        "/offres/3?fait=etat#mises-en-relation"
    );
    assert_eq!(
        safe_next(Some("/%2F%2Fevil.example")),
        "/%2F%2Fevil.example"
    );
    assert_eq!(safe_next(Some("/é")), "");
}

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
