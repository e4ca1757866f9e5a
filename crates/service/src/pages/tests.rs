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
