//! What a scenario returns, printed the way Python's `repr` prints it, so a Rust result can
//! be shown as the exact line CPython would print.

/// A Python-like value. Integers are u128: Python's ints do not overflow, and the seed's
/// largest sum (333333328333333350000000) needs more than 64 bits.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Int(u128),
    /// A measured time or ratio (not a Python int): a number in JS, three decimals in repr.
    Float(f64),
    Str(String),
    List(Vec<Value>),
    /// Keys in insertion order, as Python's dicts keep them.
    Dict(Vec<(String, Value)>),
}

impl Value {
    /// Python's `repr()` of the value.
    pub fn py_repr(&self) -> String {
        match self {
            Value::None => "None".to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => decimal(*x, 3),
            Value::Str(s) => py_str_repr(s),
            Value::List(items) => {
                let inner: Vec<String> = items.iter().map(Value::py_repr).collect();
                format!("[{}]", inner.join(", "))
            }
            Value::Dict(entries) => {
                let inner: Vec<String> =
                    entries.iter().map(|(k, v)| format!("{}: {}", py_str_repr(k), v.py_repr())).collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }

    pub fn list_of_ints(items: impl IntoIterator<Item = u128>) -> Value {
        Value::List(items.into_iter().map(Value::Int).collect())
    }
}

/// Python's repr of a str: single quotes unless the text holds one and no double quote.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `x` with `places` decimals, e.g. `decimal(12.345, 1)` is "12.3". Integer arithmetic on
/// purpose: formatting floats with `{:.1}` would pull about 15 KB of float-printing code into
/// the wasm module, and timings need nothing of it.
pub fn decimal(x: f64, places: u32) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let scale = 10u64.pow(places);
    let scaled = (x.abs() * scale as f64).round() as u64;
    let sign = if x < 0.0 && scaled > 0 { "-" } else { "" };
    match places {
        0 => format!("{sign}{scaled}"),
        _ => format!("{sign}{}.{:0width$}", scaled / scale, scaled % scale, width = places as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_half_away_from_zero() {
        assert_eq!(decimal(12.345, 1), "12.3");
        assert_eq!(decimal(0.996, 2), "1.00");
        assert_eq!(decimal(2003.4, 0), "2003");
        assert_eq!(decimal(-1.25, 1), "-1.3");
        assert_eq!(decimal(0.04, 1), "0.0");
        assert_eq!(decimal(f64::NAN, 1), "NaN");
    }

    #[test]
    fn reprs_match_python() {
        let fetched =
            |id| Value::Dict(vec![("id".into(), Value::Int(id)), ("data".into(), Value::Str("success".into()))]);
        assert_eq!(
            Value::List(vec![fetched(3), fetched(4)]).py_repr(),
            "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]"
        );
        assert_eq!(Value::list_of_ints([0, 2, 4]).py_repr(), "[0, 2, 4]");
        assert_eq!(Value::Str("it's".into()).py_repr(), "\"it's\"");
        assert_eq!(Value::None.py_repr(), "None");
    }
}
