//! Scenario parameters: their specs, and the one validator that the page's fields, URL
//! parameters and the JS API all go through, so a bad value gets the same message everywhere.
//!
//! Values arrive as text (an `<input>`, a query string, or `String(x)` of what a course site
//! passed to `run()`), so the validator parses text. It accepts what a Python learner would
//! type for a whole number: `1000000`, `1_000_000`, `10**6` and `1e6`.

use std::fmt;

/// The longest text accepted for one parameter, in bytes; anything longer is refused before
/// parsing.
pub const MAX_TEXT_LEN: usize = 2_000;

/// The most (name, text) pairs accepted in one call: every scenario has a handful, so more is
/// not a mistake worth reading through.
pub const MAX_PARAMS: usize = 32;

/// What a parameter holds and which values are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number in `min..=max`.
    Int { min: u64, max: u64 },
    /// A list of `min_len..=max_len` whole numbers, each in `min..=max`. `min_len` 0 lets the
    /// list be empty (e.g. a schedule with no step yet); then empty text is an empty list.
    IntList { min: u64, max: u64, min_len: usize, max_len: usize },
    /// Yes or no: `true` / `false`, also `1` / `0` (a checkbox on the page).
    Bool,
}

/// One parameter of a scenario, as the page shows it and the validator checks it.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The name used in the page's `<input name>`, in URLs and in the JS API.
    pub name: &'static str,
    /// A short label for the page.
    pub label: &'static str,
    pub kind: ParamKind,
    /// The seed's value, as text.
    pub default: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamValue {
    Int(u64),
    IntList(Vec<u64>),
    Bool(bool),
}

/// A bad parameter: which one, and a message that names it and its allowed range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Validated parameters of one run, every spec present (defaults filled in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, ParamValue)>);

impl Params {
    /// The value of an integer parameter. Panics on a name the scenario did not declare:
    /// that is a bug in the scenario, not bad input.
    pub fn int(&self, name: &str) -> u64 {
        match self.get(name) {
            ParamValue::Int(v) => *v,
            other => panic!("parameter {name} is not an integer: {other:?}"),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        match self.get(name) {
            ParamValue::Bool(v) => *v,
            other => panic!("parameter {name} is not a yes/no flag: {other:?}"),
        }
    }

    pub fn int_list(&self, name: &str) -> &[u64] {
        match self.get(name) {
            ParamValue::IntList(v) => v,
            other => panic!("parameter {name} is not a list: {other:?}"),
        }
    }

    fn get(&self, name: &str) -> &ParamValue {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("scenario declared no parameter {name}"))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.0.iter().map(|(n, v)| (*n, v))
    }

    /// The parameters as the text the validator accepts back (a round trip).
    pub fn to_text(&self) -> Vec<(&'static str, String)> {
        self.iter()
            .map(|(n, v)| {
                let text = match v {
                    ParamValue::Int(i) => i.to_string(),
                    ParamValue::IntList(l) => l.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
                    ParamValue::Bool(b) => b.to_string(),
                };
                (n, text)
            })
            .collect()
    }
}

/// The allowed range of a spec in words, e.g. "a whole number from 1 to 16".
pub fn describe(kind: &ParamKind) -> String {
    match *kind {
        ParamKind::Int { min, max } => {
            format!("a whole number from {} to {}", group(min), group(max))
        }
        ParamKind::IntList { min, max, min_len, max_len } => {
            format!("a list of {min_len} to {max_len} whole numbers, each from {} to {}", group(min), group(max))
        }
        ParamKind::Bool => "true or false (or 1 or 0)".to_string(),
    }
}

/// Checks `given` (name, text) pairs against `specs`. Missing parameters take their default;
/// every problem is reported, not just the first.
pub fn validate(specs: &[ParamSpec], given: &[(String, String)]) -> Result<Params, Vec<ParamError>> {
    if given.len() > MAX_PARAMS {
        let message = format!("at most {MAX_PARAMS} parameters are accepted, got {}", given.len());
        return Err(vec![ParamError { param: "params".into(), message }]);
    }
    let mut errors = Vec::new();
    for (name, _) in given {
        if !specs.iter().any(|s| s.name == name) {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            errors.push(ParamError {
                param: shorten(name),
                message: format!(
                    "unknown parameter {:?}; this scenario takes {}",
                    shorten(name),
                    if known.is_empty() { "no parameters".to_string() } else { known.join(", ") }
                ),
            });
        }
    }
    let mut values = Vec::with_capacity(specs.len());
    for spec in specs {
        let text = given.iter().rev().find(|(n, _)| n == spec.name).map(|(_, t)| t.as_str()).unwrap_or(spec.default);
        match parse_value(spec, text) {
            Ok(v) => values.push((spec.name, v)),
            Err(message) => errors.push(ParamError { param: spec.name.to_string(), message }),
        }
    }
    if errors.is_empty() { Ok(Params(values)) } else { Err(errors) }
}

fn parse_value(spec: &ParamSpec, text: &str) -> Result<ParamValue, String> {
    let must = |why: &str| format!("{} must be {}; {why}", spec.name, describe(&spec.kind));
    if text.len() > MAX_TEXT_LEN {
        return Err(must(&format!("got {} bytes of text", text.len())));
    }
    let trimmed = text.trim();
    let may_be_empty = matches!(spec.kind, ParamKind::IntList { min_len: 0, .. });
    if trimmed.is_empty() && !may_be_empty {
        return Err(must("it is empty"));
    }
    match spec.kind {
        ParamKind::Int { min, max } => match parse_whole(trimmed) {
            Some(v) if (min..=max).contains(&v) => Ok(ParamValue::Int(v)),
            _ => Err(must(&format!("got {}", quote(trimmed)))),
        },
        ParamKind::IntList { min, max, min_len, max_len } => {
            let inner = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(trimmed);
            let items: Vec<&str> =
                inner.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).collect();
            if items.len() < min_len || items.len() > max_len {
                return Err(must(&format!("got {} items", items.len())));
            }
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match parse_whole(item) {
                    Some(v) if (min..=max).contains(&v) => list.push(v),
                    _ => return Err(must(&format!("item {} is {}", i + 1, quote(item)))),
                }
            }
            Ok(ParamValue::IntList(list))
        }
        ParamKind::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(ParamValue::Bool(true)),
            "false" | "0" => Ok(ParamValue::Bool(false)),
            _ => Err(must(&format!("got {}", quote(trimmed)))),
        },
    }
}

/// Parses a non-negative whole number written as `123`, `1_000`, `10**6` or `1e6` (`1e+6`).
/// Returns None for anything else, including values beyond u64.
pub fn parse_whole(text: &str) -> Option<u64> {
    if let Some((base, exp)) = text.split_once("**") {
        let (base, exp) = (digits(base.trim())?, digits(exp.trim())?);
        return base.checked_pow(u32::try_from(exp).ok()?);
    }
    if let Some((mantissa, exp)) = text.split_once(['e', 'E']) {
        let exp = exp.strip_prefix('+').unwrap_or(exp);
        let ten = 10u64.checked_pow(u32::try_from(digits(exp)?).ok()?)?;
        return digits(mantissa)?.checked_mul(ten);
    }
    digits(text)
}

/// ASCII digits with optional single underscores between them, as Python allows.
fn digits(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let well_formed = !bytes.is_empty()
        && bytes[0].is_ascii_digit()
        && bytes[bytes.len() - 1].is_ascii_digit()
        && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'_')
        && !text.contains("__");
    if !well_formed {
        return None;
    }
    text.bytes()
        .filter(u8::is_ascii_digit)
        .try_fold(0u64, |acc, b| acc.checked_mul(10)?.checked_add(u64::from(b - b'0')))
}

/// A number as a value to type: `_` between groups of three digits, the way Python writes big
/// literals (a field takes it back as it is; a comma would split a list).
pub fn group(n: u64) -> String {
    grouped(n, '_')
}

/// A number in a sentence, as the page's views write it: `73,732`.
pub fn group_prose(n: u64) -> String {
    grouped(n, ',')
}

fn grouped(n: u64, separator: char) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// Quotes user text for a message, cut short so a megabyte of input makes a short message.
fn quote(text: &str) -> String {
    format!("{:?}", shorten(text))
}

fn shorten(text: &str) -> String {
    const KEEP: usize = 40;
    if text.chars().count() <= KEEP {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(KEEP).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec { name: "threads", label: "threads", kind: ParamKind::Int { min: 1, max: 16 }, default: "2" },
        ParamSpec {
            name: "inputs",
            label: "inputs",
            kind: ParamKind::IntList { min: 0, max: 1_000_000_000, min_len: 1, max_len: 16 },
            default: "10**6, 10**7, 10**8",
        },
    ];

    fn given(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn defaults_fill_missing_parameters() {
        let p = validate(SPECS, &[]).unwrap();
        assert_eq!(p.int("threads"), 2);
        assert_eq!(p.int_list("inputs"), &[1_000_000, 10_000_000, 100_000_000]);
    }

    #[test]
    fn python_style_numbers_are_accepted() {
        for (text, want) in [("1_000", 1000), ("10**3", 1000), ("1e3", 1000), ("1e+3", 1000), (" 7 ", 7)] {
            assert_eq!(parse_whole(text.trim()), Some(want), "{text}");
        }
    }

    #[test]
    fn bad_values_name_the_parameter_and_range() {
        for bad in ["0", "17", "10000", "", "  ", "NaN", "Infinity", "-1", "2.5", "1e300", "<b>x</b>", "0x10"] {
            let err = validate(SPECS, &given(&[("threads", bad)])).unwrap_err();
            assert_eq!(err.len(), 1, "{bad}");
            assert_eq!(err[0].param, "threads");
            assert!(err[0].message.starts_with("threads must be a whole number from 1 to 16"), "{}", err[0].message);
        }
    }

    #[test]
    fn lists_are_bounded_in_length_and_values() {
        let long = vec!["1"; 10_000].join(",");
        let err = validate(SPECS, &given(&[("inputs", &long)])).unwrap_err();
        assert!(
            err[0].message.contains("got 10000 items") || err[0].message.contains("bytes of text"),
            "{}",
            err[0].message
        );
        let err = validate(SPECS, &given(&[("inputs", "10**6, 10**13")])).unwrap_err();
        assert!(err[0].message.contains("item 2 is \"10**13\""), "{}", err[0].message);
        let ok = validate(SPECS, &given(&[("inputs", "[1, 2 3]")])).unwrap();
        assert_eq!(ok.int_list("inputs"), &[1, 2, 3]);
    }

    #[test]
    fn unknown_parameters_are_named() {
        let err = validate(SPECS, &given(&[("thread", "2")])).unwrap_err();
        assert_eq!(err[0].param, "thread");
        assert!(err[0].message.contains("threads, inputs"));
    }

    #[test]
    fn a_megabyte_of_text_makes_a_short_message() {
        let huge = "9".repeat(1 << 20);
        let err = validate(SPECS, &given(&[("threads", &huge)])).unwrap_err();
        assert!(err[0].message.len() < 200);
    }

    #[test]
    fn to_text_round_trips() {
        let p = validate(SPECS, &given(&[("threads", "3"), ("inputs", "4 5")])).unwrap();
        let back: Vec<(String, String)> = p.to_text().into_iter().map(|(n, t)| (n.to_string(), t)).collect();
        assert_eq!(validate(SPECS, &back).unwrap(), p);
    }

    #[test]
    fn flags_take_true_false_1_0_and_nothing_else() {
        const FLAG: &[ParamSpec] = &[ParamSpec { name: "ordered", label: "", kind: ParamKind::Bool, default: "false" }];
        for (text, want) in [("true", true), ("TRUE", true), ("1", true), (" false ", false), ("0", false)] {
            assert_eq!(validate(FLAG, &given(&[("ordered", text)])).unwrap().flag("ordered"), want, "{text}");
        }
        assert!(!validate(FLAG, &[]).unwrap().flag("ordered"));
        for bad in ["yes", "2", "", "on", "truee", "<b>"] {
            let err = validate(FLAG, &given(&[("ordered", bad)])).unwrap_err();
            assert!(
                err[0].message.starts_with("ordered must be true or false (or 1 or 0)"),
                "{bad}: {}",
                err[0].message
            );
        }
        let p = validate(FLAG, &given(&[("ordered", "1")])).unwrap();
        assert_eq!(p.to_text(), [("ordered", "true".to_string())]);
    }

    #[test]
    fn a_list_with_min_len_0_may_be_empty_and_says_so() {
        const STEPS: &[ParamSpec] = &[ParamSpec {
            name: "schedule",
            label: "",
            kind: ParamKind::IntList { min: 1, max: 3, min_len: 0, max_len: 4 },
            default: "",
        }];
        for empty in ["", "  ", "[]", "[ ]"] {
            assert_eq!(validate(STEPS, &given(&[("schedule", empty)])).unwrap().int_list("schedule"), &[] as &[u64]);
        }
        assert_eq!(validate(STEPS, &[]).unwrap().int_list("schedule"), &[] as &[u64]);
        let err = validate(STEPS, &given(&[("schedule", "1 2 3 1 2")])).unwrap_err();
        assert_eq!(err[0].message, "schedule must be a list of 0 to 4 whole numbers, each from 1 to 3; got 5 items");
        // A list that must have items still refuses empty text, as before.
        let err = validate(SPECS, &given(&[("inputs", " ")])).unwrap_err();
        assert!(err[0].message.ends_with("; it is empty"), "{}", err[0].message);
    }

    #[test]
    fn group_writes_python_underscores() {
        assert_eq!(group(1_000_000_000), "1_000_000_000");
        assert_eq!(group(16), "16");
        assert_eq!(group(100_000), "100_000");
        assert_eq!(group_prose(73_732), "73,732");
        assert_eq!(group_prose(999), "999");
    }
}
