//! The system's and the parsers' errors in the interface language: a file that
//! is not there, a JSON document cut short, a configuration with an unknown
//! field. Each names the file and says what is wrong; the system's own words
//! stay only for what has none of ours.

use super::{I18n, Msg};
use std::fmt::Display;

/// An error of the system about `path`.
pub fn io_error(t: &I18n, path: &dyn Display, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    if crate::store::is_disk_full(e) {
        return format!("{path}: {}", t.t(Msg::err_disk_full));
    }
    let msg = match e.kind() {
        ErrorKind::NotFound => Msg::sys_not_found,
        ErrorKind::PermissionDenied => Msg::sys_permission,
        ErrorKind::IsADirectory => Msg::sys_is_dir,
        ErrorKind::NotADirectory => Msg::sys_not_dir,
        ErrorKind::ReadOnlyFilesystem => Msg::sys_read_only_fs,
        ErrorKind::AlreadyExists => Msg::sys_exists,
        _ => return t.f(Msg::sys_other, &[("path", path), ("detail", e)]),
    };
    t.f(msg, &[("path", path)])
}

/// The text between the first pair of backticks in a parser's message (`format`).
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// The values a serde message says it expected, comma-separated (`a, b, c`).
fn expected(message: &str) -> Option<String> {
    let rest = &message[message.find("expected")?..];
    let values: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// What is wrong with a piece of a document, from a serde message: a field
/// missing or unknown, a value not among those allowed, or of another kind.
fn data_problem(t: &I18n, message: &str) -> String {
    let name = quoted(message).unwrap_or_default();
    if message.starts_with("missing field") {
        t.f(Msg::data_missing_field, &[("field", &name)])
    } else if message.starts_with("unknown field") {
        let unknown = t.f(Msg::data_unknown_field, &[("field", &name)]);
        // A near miss (`[[service]]` for `[[services]]`, `shrt`) gets the field
        // meant; any other, the fields there are.
        let fields: Vec<&str> = message
            .find("expected")
            .map(|at| message[at..].split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        match crate::domain::similar::pick(name, &fields) {
            crate::domain::similar::Pick::One(i) => t.f(
                Msg::data_did_you_mean,
                &[("problem", &unknown), ("hint", &fields[i])],
            ),
            _ if !fields.is_empty() => t.f(
                Msg::data_valid_fields,
                &[("problem", &unknown), ("fields", &fields.join(", "))],
            ),
            _ => unknown,
        }
    } else if message.starts_with("unknown variant") {
        let unknown = t.f(Msg::data_unknown_value, &[("value", &name)]);
        // serde says which values it takes: "…, expected one of `a`, `b`".
        match expected(message) {
            Some(values) => t.f(
                Msg::data_valid_values,
                &[("problem", &unknown), ("values", &values)],
            ),
            None => unknown,
        }
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        t.t(Msg::data_wrong_type).to_string()
    } else {
        t.t(Msg::data_unreadable).to_string()
    }
}

/// A JSON document `path` that could not be read: where, and what is wrong.
pub fn json_error(t: &I18n, path: &dyn Display, e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = [("line", &e.line() as &dyn Display), ("column", &e.column())];
    let with = |what: String| {
        let mut args: Vec<(&str, &dyn Display)> = vec![("path", path), ("what", &what)];
        args.extend(at);
        t.f(Msg::json_at, &args)
    };
    match e.classify() {
        Category::Io => t.f(Msg::sys_other, &[("path", path), ("detail", e)]),
        Category::Eof => t.f(Msg::json_eof, &[("path", path), ("line", &e.line())]),
        Category::Syntax => with(t.t(Msg::json_syntax).to_string()),
        // serde's message ends with where it is: that is said by `json_at`.
        Category::Data => {
            let message = e.to_string();
            with(data_problem(t, &message))
        }
    }
}

/// A TOML document `path` that could not be read (the configuration).
pub fn toml_error(t: &I18n, path: &dyn Display, text: &str, e: &toml::de::Error) -> String {
    let message = e.message();
    // An unknown field's error spans its whole table: the line that sets it says more.
    let field_line = quoted(message)
        .filter(|_| message.starts_with("unknown field"))
        .and_then(|field| {
            text.lines().position(|l| {
                l.trim_start()
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
        })
        .map(|i| i + 1);
    let line = field_line.or_else(|| {
        e.span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1))
    });
    let what = if message.starts_with("missing field")
        || message.starts_with("unknown field")
        || message.starts_with("unknown variant")
        || message.starts_with("invalid type")
        || message.starts_with("invalid value")
    {
        data_problem(t, message)
    } else {
        t.t(Msg::toml_syntax).to_string()
    };
    match line {
        Some(line) => t.f(Msg::toml_at, &[("path", path), ("what", &what), ("line", &line)]),
        None => format!("{path}: {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn an_unknown_field_near_a_known_one_is_named_with_the_one_meant() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct File {
            services: Vec<u32>,
        }
        let t = I18n::new(Lang::En);
        let text = "[[service]]\nid = 1\n";
        let e = toml::from_str::<File>(text).unwrap_err();
        assert_eq!(
            toml_error(&t, &"s.toml", text, &e),
            "s.toml, line 1: unknown field \"service\": did you mean \"services\"?"
        );
        let text = "[[nothing]]\nid = 1\n";
        let e = toml::from_str::<File>(text).unwrap_err();
        assert!(
            toml_error(&t, &"s.toml", text, &e)
                .ends_with("unknown field \"nothing\"; valid fields: services"),
            "{}",
            toml_error(&t, &"s.toml", text, &e)
        );
    }

    #[test]
    fn a_missing_file_is_said_in_each_language() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(
            io_error(&I18n::new(Lang::Ca), &"c.json", &e),
            "c.json: no existeix"
        );
        assert_eq!(io_error(&I18n::new(Lang::Es), &"c.json", &e), "c.json: no existe");
        assert_eq!(
            io_error(&I18n::new(Lang::En), &"c.json", &e),
            "c.json: no such file"
        );
    }

    #[test]
    fn a_document_cut_short_or_lacking_a_field_says_so_and_where() {
        let ca = I18n::new(Lang::Ca);
        let eof = serde_json::from_str::<serde_json::Value>("{\n").unwrap_err();
        let text = json_error(&ca, &"b.json", &eof);
        assert!(
            text.starts_with("b.json: el fitxer s'acaba abans d'hora (línia 2)"),
            "{text}"
        );
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            format: String,
        }
        let missing = serde_json::from_str::<Doc>("{}").unwrap_err();
        assert_eq!(
            json_error(&ca, &"b.json", &missing),
            "b.json: hi falta el camp «format» (línia 1, columna 2)"
        );
        let wrong = serde_json::from_str::<Doc>("{\"format\": 3}").unwrap_err();
        assert!(json_error(&I18n::new(Lang::En), &"b.json", &wrong).contains("a value of another kind"));
        let syntax = serde_json::from_str::<serde_json::Value>("{]").unwrap_err();
        assert!(json_error(&ca, &"b.json", &syntax).contains("no és JSON vàlid"));
    }
}
