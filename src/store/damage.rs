//! What is wrong with one file of a damaged store, said the same way by the
//! backend (in English, for the log and `Damaged`'s detail) and read back here to
//! be said in the user's language: a Catalan message carries no English words.

use crate::i18n::{I18n, Msg};

/// What stands where a regular file should.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Link,
    Fifo,
    Directory,
    Socket,
    Device,
}

const NODES: [(Node, &str); 5] = [
    (Node::Link, "a link"),
    (Node::Fifo, "a pipe (FIFO)"),
    (Node::Directory, "a directory"),
    (Node::Socket, "a socket"),
    (Node::Device, "a device"),
];

impl Node {
    /// What `kind` is, if not a regular file.
    pub fn of(kind: std::fs::FileType) -> Option<Node> {
        use std::os::unix::fs::FileTypeExt;
        match () {
            _ if kind.is_file() => None,
            _ if kind.is_symlink() => Some(Node::Link),
            _ if kind.is_fifo() => Some(Node::Fifo),
            _ if kind.is_dir() => Some(Node::Directory),
            _ if kind.is_socket() => Some(Node::Socket),
            _ => Some(Node::Device),
        }
    }

    fn english(self) -> &'static str {
        NODES.iter().find(|(n, _)| *n == self).map_or("", |(_, s)| s)
    }

    fn msg(self) -> Msg {
        match self {
            Node::Link => Msg::damage_node_link,
            Node::Fifo => Msg::damage_node_fifo,
            Node::Directory => Msg::damage_node_directory,
            Node::Socket => Msg::damage_node_socket,
            Node::Device => Msg::damage_node_device,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Missing,
    /// Its content differs from the seal's.
    Changed,
    Size {
        found: u64,
        sealed: u64,
    },
    NotRegular(Node),
}

/// A file of the store (its path inside the store, `sled/db`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDamage {
    pub file: String,
    pub fault: Fault,
}

impl std::fmt::Display for FileDamage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = &self.file;
        match &self.fault {
            Fault::Missing => write!(f, "{file} is missing"),
            Fault::Changed => write!(f, "{file} changed since it was closed"),
            Fault::Size { found, sealed } => write!(f, "{file} has {found} bytes, {sealed} when closed"),
            Fault::NotRegular(node) => write!(f, "{file} is not a regular file but {}", node.english()),
        }
    }
}

impl FileDamage {
    /// The damage a detail written by `Display` describes; None for any other text.
    pub fn parse(detail: &str) -> Option<FileDamage> {
        let damage = |file: &str, fault| {
            (!file.is_empty() && !file.contains(' ')).then(|| FileDamage {
                file: file.to_string(),
                fault,
            })
        };
        if let Some(file) = detail.strip_suffix(" is missing") {
            return damage(file, Fault::Missing);
        }
        if let Some(file) = detail.strip_suffix(" changed since it was closed") {
            return damage(file, Fault::Changed);
        }
        if let Some((file, node)) = detail.split_once(" is not a regular file but ") {
            let node = NODES.iter().find(|(_, s)| *s == node)?.0;
            return damage(file, Fault::NotRegular(node));
        }
        let (file, sizes) = detail.split_once(" has ")?;
        let (found, sealed) = sizes.strip_suffix(" when closed")?.split_once(" bytes, ")?;
        damage(
            file,
            Fault::Size {
                found: found.parse().ok()?,
                sealed: sealed.parse().ok()?,
            },
        )
    }

    pub fn localize(&self, t: &I18n) -> String {
        let file = &self.file;
        match &self.fault {
            Fault::Missing => t.f(Msg::damage_missing, &[("file", file)]),
            Fault::Changed => t.f(Msg::damage_changed, &[("file", file)]),
            Fault::Size { found, sealed } => t.f(
                Msg::damage_size,
                &[("file", file), ("found", found), ("sealed", sealed)],
            ),
            Fault::NotRegular(node) => t.f(
                Msg::damage_not_regular,
                &[("file", file), ("what", &t.t(node.msg()))],
            ),
        }
    }
}

/// A damaged store's detail in the user's language, when it is about one file.
pub fn localize_detail(detail: &str, t: &I18n) -> String {
    FileDamage::parse(detail).map_or_else(|| detail.to_string(), |d| d.localize(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_damage_reads_back_and_is_said_in_the_users_language() {
        let faults = [
            Fault::Missing,
            Fault::Changed,
            Fault::Size {
                found: 3,
                sealed: 524287,
            },
            Fault::NotRegular(Node::Fifo),
            Fault::NotRegular(Node::Link),
            Fault::NotRegular(Node::Device),
        ];
        let ca = I18n::new(crate::i18n::Lang::Ca);
        for fault in faults {
            let damage = FileDamage {
                file: "sled/db".into(),
                fault,
            };
            let detail = damage.to_string();
            assert_eq!(FileDamage::parse(&detail), Some(damage.clone()), "{detail}");
            let said = localize_detail(&detail, &ca);
            assert!(said.contains("sled/db"), "{said}");
            for english in [
                "is missing",
                "changed since",
                "when closed",
                "regular file",
                "a pipe",
                "a link",
            ] {
                assert!(!said.contains(english), "{said}");
            }
        }
        assert_eq!(localize_detail("unreadable records", &ca), "unreadable records");
    }
}
