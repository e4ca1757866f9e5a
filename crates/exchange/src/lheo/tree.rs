//! The elements of one unit of a catalogue (a formation without its actions, an action without
//! its sessions, a session, an index's offer), held while the unit is read, and the paths that
//! name them in rejects.

use sha2::{Digest, Sha256};

/// An element: its local name, its place among its same-named siblings (from 1), its
/// attributes, its own text (entities resolved) and its children.
#[derive(Debug, Clone, Default)]
pub(super) struct Node {
    pub name: String,
    pub index: u32,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    /// Its text went past the limit (and stopped growing); said once.
    pub overflowed: bool,
}

impl Node {
    pub fn new(name: String, index: u32, attributes: Vec<(String, String)>) -> Self {
        Self {
            name,
            index,
            attributes,
            ..Self::default()
        }
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The text, without surrounding whitespace.
    pub fn text(&self) -> &str {
        self.text.trim()
    }

    /// The place the next child named `name` takes among its same-named siblings.
    pub fn next_index(&self, name: &str) -> u32 {
        let count = self.children.iter().filter(|c| c.name == name).count();
        u32::try_from(count).unwrap_or(u32::MAX).saturating_add(1)
    }

    /// The children named `name`, with their paths under `path` (this node's).
    pub fn each<'n>(
        &'n self,
        name: &'n str,
        path: &'n str,
    ) -> impl Iterator<Item = (&'n Node, String)> + 'n {
        self.children
            .iter()
            .filter(move |c| c.name == name)
            .map(move |c| (c, child_path(path, &self.name, c)))
    }

    /// The first child named `name`, with its path.
    pub fn first<'n>(&'n self, name: &'n str, path: &'n str) -> Option<(&'n Node, String)> {
        self.each(name, path).next()
    }

    /// A key for an element without a `numero`: `sha:` and 16 hexadecimal digits of a hash of
    /// its content (names, attributes, texts), the same on every import of the same content.
    pub fn key(&self) -> String {
        let mut hasher = Sha256::new();
        self.feed(&mut hasher);
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("sha:{hex}")
    }

    fn feed(&self, hasher: &mut Sha256) {
        hasher.update(self.name.as_bytes());
        hasher.update([1]);
        for (key, value) in &self.attributes {
            hasher.update(key.as_bytes());
            hasher.update([2]);
            hasher.update(value.as_bytes());
            hasher.update([3]);
        }
        hasher.update(self.text().as_bytes());
        hasher.update([4]);
        for child in &self.children {
            child.feed(hasher);
        }
        hasher.update([5]);
    }
}

/// How an element is named in a path: `name`, or `name[index]` when the definition lets its
/// parent have more than one (`formation[3]`, `code-ROME[2]`, but `periode`).
pub(super) fn segment(parent: &str, name: &str, index: u32) -> String {
    match refdata::lheo::child(parent, name) {
        Some(child) if child.repeatable() => format!("{name}[{index}]"),
        _ => name.to_string(),
    }
}

pub(super) fn child_path(path: &str, parent: &str, child: &Node) -> String {
    format!("{path}/{}", segment(parent, &child.name, child.index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, index: u32, text: &str) -> Node {
        Node {
            text: text.to_string(),
            ..Node::new(name.to_string(), index, Vec::new())
        }
    }

    #[test]
    fn paths_index_only_what_may_repeat() {
        let mut domain = Node::new("domaine-formation".into(), 1, Vec::new());
        domain.children.push(leaf("code-ROME", 1, "N1101"));
        domain.children.push(leaf("code-ROME", 2, "N1103"));
        let paths: Vec<String> = domain.each("code-ROME", "/f").map(|(_, p)| p).collect();
        assert_eq!(paths, ["/f/code-ROME[1]", "/f/code-ROME[2]"]);
        assert_eq!(segment("session", "periode", 1), "periode");
        assert_eq!(segment("offres", "formation", 3), "formation[3]");
        assert_eq!(segment("unknown", "thing", 2), "thing");
        assert_eq!(domain.next_index("code-ROME"), 3);
    }

    #[test]
    fn keys_follow_the_content() {
        let a = leaf("session", 1, " x ");
        let b = leaf("session", 2, "x");
        let c = leaf("session", 1, "y");
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
        assert!(a.key().starts_with("sha:"));
        assert_eq!(a.key().len(), 4 + 16);
    }
}
