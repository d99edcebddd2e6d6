//! A small JSON writer, for what the page reads in one piece: the scenarios' descriptions cross
//! into JavaScript as one text and are parsed there (`JSON.parse`), instead of one call across
//! the boundary per field and per string (about a thousand, ~5 ms of the page's start).

use std::fmt::Write;

/// A JSON value. Object fields keep their order; a `None` field is left out, as JavaScript
/// would see `undefined`.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// Whole numbers only: the descriptions have no others, and formatting floats would cost
    /// the module ~25 KB (JSON.parse reads one above 2^53 as the nearest double, as `as f64`).
    Whole(u64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(&'static str, Option<Json>)>),
}

impl Json {
    /// The JSON text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// An object's field `name`, if it has it: how tests read a lesson's view data.
    pub fn field(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(key, _)| *key == name)?.1.as_ref(),
            _ => None,
        }
    }

    /// The text of a string, or the digits of a whole number (`None` for anything else).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Json::Str(s) => Some(s.clone()),
            Json::Whole(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Whole(n) => write!(out, "{n}").expect("writing to a String"),
            Json::Str(s) => write_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                let present = fields.iter().filter_map(|(key, value)| value.as_ref().map(|v| (key, v)));
                for (i, (key, value)) in present.enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a String"),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::Str(s.to_string())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::Str(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Json {
        Json::Whole(n)
    }
}

/// An array of strings.
pub fn strings(items: &[&str]) -> Json {
    Json::Array(items.iter().map(|s| Json::from(*s)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_so_any_text_survives() {
        let text = Json::from("say \"hi\"\\ then\nnext\tline\u{1}; naïve → ok").text();
        assert_eq!(text, r#""say \"hi\"\\ then\nnext\u0009line\u0001; naïve → ok""#);
    }

    #[test]
    fn whole_numbers_are_written_in_full() {
        let numbers = Json::Array(vec![0.into(), 16.into(), 100_000_000.into(), u64::MAX.into()]);
        assert_eq!(numbers.text(), "[0,16,100000000,18446744073709551615]");
    }

    #[test]
    fn objects_keep_their_order_and_leave_out_absent_fields() {
        let object = Json::Object(vec![
            ("b", Some(true.into())),
            ("gone", None),
            ("a", Some(Json::Null)),
            ("list", Some(strings(&["x", "y"]))),
            ("empty", Some(Json::Object(vec![]))),
        ]);
        assert_eq!(object.text(), r#"{"b":true,"a":null,"list":["x","y"],"empty":{}}"#);
    }
}
