//! What the page and the JS API know of every scenario (`pg.scenarios`): its id, title,
//! parameters with their ranges, views, actions, flags, source files and "what to notice",
//! as one JSON text the page parses once.

use crate::json::{Json, strings};
use crate::params::{self, ParamKind, ParamSpec};
use crate::scenarios::{ALL, Action, Scenario, TestParams};

/// `[{ id, title, seedSection, fromSeed, params, views, actions, needsSharedMemory,
/// module, predict, rustFile, moreRustFiles, notice, python, testParams }]`, in the
/// registry's order.
pub fn catalogue_json() -> String {
    Json::Array(ALL.iter().map(|s| scenario(s)).collect()).text()
}

fn scenario(s: &Scenario) -> Json {
    Json::Object(vec![
        ("id", Some(s.id.into())),
        ("title", Some(s.title.into())),
        ("seedSection", Some(s.seed_section.into())),
        ("fromSeed", Some(s.from_seed.into())),
        ("params", Some(param_specs(s.params))),
        ("views", Some(strings(s.views))),
        ("actions", Some(Json::Array(s.actions.iter().map(action).collect()))),
        ("needsSharedMemory", Some(s.needs_shared_memory.into())),
        ("module", Some(s.module().name().into())),
        ("predict", Some(s.predict.into())),
        ("rustFile", Some(s.source_file.into())),
        ("moreRustFiles", Some(strings(s.more_source_files))),
        ("notice", Some(s.notice.into())),
        ("python", Some(s.python.into())),
        ("testParams", Some(test_params(&s.test_params))),
    ])
}

/// `{ light: { name: value }, busy: { name: value } }`: what the end-to-end tests run it with.
fn test_params(t: &TestParams) -> Json {
    let object = |pairs: &[(&'static str, &'static str)]| {
        Json::Object(pairs.iter().map(|(k, v)| (*k, Some((*v).into()))).collect())
    };
    Json::Object(vec![("light", Some(object(t.light))), ("busy", Some(object(t.busy)))])
}

/// `{ name, label, description, params, views }` of something a section offers beside Run.
fn action(a: &Action) -> Json {
    Json::Object(vec![
        ("name", Some(a.name.into())),
        ("label", Some(a.label.into())),
        ("description", Some(a.description.into())),
        ("params", Some(param_specs(a.params))),
        ("views", Some(strings(a.views))),
    ])
}

/// `{ name: { kind, default, min, minItems, max, list, maxItems, label, range } }`; the item
/// counts only for lists.
fn param_specs(specs: &[ParamSpec]) -> Json {
    Json::Object(
        specs
            .iter()
            .map(|p| {
                let (kind, min, max, items) = match p.kind {
                    ParamKind::Int { min, max } => ("int", min, max, None),
                    ParamKind::IntList { min, max, min_len, max_len } => ("list", min, max, Some((min_len, max_len))),
                    ParamKind::Bool => ("bool", 0, 1, None),
                };
                let spec = Json::Object(vec![
                    ("kind", Some(kind.into())),
                    ("default", Some(p.default.into())),
                    ("min", Some(min.into())),
                    ("minItems", items.map(|(least, _)| (least as u64).into())),
                    ("max", Some(max.into())),
                    ("list", Some(items.is_some().into())),
                    ("maxItems", items.map(|(_, most)| (most as u64).into())),
                    ("label", Some(p.label.into())),
                    ("range", Some(params::describe(&p.kind).into())),
                ]);
                (p.name, Some(spec))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_is_described_in_registry_order() {
        let text = catalogue_json();
        let mut from = 0;
        for s in ALL {
            let at = text[from..].find(&format!("{{\"id\":\"{}\",", s.id)).map(|i| from + i);
            assert!(at.is_some(), "{} is missing or out of order", s.id);
            from = at.unwrap() + 1;
        }
        assert!(text.starts_with('[') && text.ends_with(']'));
    }

    #[test]
    fn a_list_parameter_says_how_many_items_and_a_number_does_not() {
        let spec = param_specs(&[
            ParamSpec { name: "n", label: "N", kind: ParamKind::Int { min: 1, max: 16 }, default: "2" },
            ParamSpec {
                name: "l",
                label: "L",
                kind: ParamKind::IntList { min: 0, max: 9, min_len: 1, max_len: 4 },
                default: "1, 2",
            },
        ])
        .text();
        assert!(
            spec.starts_with(r#"{"n":{"kind":"int","default":"2","min":1,"max":16,"list":false,"label":"N","range":"#),
            "{spec}"
        );
        assert!(
            spec.contains(
                r#""l":{"kind":"list","default":"1, 2","min":0,"minItems":1,"max":9,"list":true,"maxItems":4,"#
            ),
            "{spec}"
        );
    }
}
