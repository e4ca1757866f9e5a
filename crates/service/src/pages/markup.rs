/// The policy tolerates style attributes for the DSFR's runtime; our own markup uses none
/// (and no inline script or style element), so that the policy could tighten again.
#[test]
fn templates_have_no_inline_style_or_script() {
    let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")];
    let mut checked = 0;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for bad in [
                " style=",
                "<style",
                "<script>",
                " onclick=",
                " onload=",
                "javascript:",
            ] {
                assert!(!text.contains(bad), "{}: {bad}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} templates");
}
