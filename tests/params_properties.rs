//! Properties of the parameter validator, the one gate for the page, URLs and the JS API:
//! it never panics, accepts exactly the whole numbers in range (however Python would write
//! them), and every refusal names the parameter and its allowed range.
#![cfg(not(target_arch = "wasm32"))]

use concurrency_playground::params::{ParamKind, ParamValue, describe, group, validate};
use concurrency_playground::scenarios::ALL;
use proptest::prelude::*;

fn int_specs() -> Vec<(&'static str, &'static str, u64, u64)> {
    ALL.iter()
        .flat_map(|s| s.params.iter().map(move |p| (s.id, p)))
        .filter_map(|(id, p)| match p.kind {
            ParamKind::Int { min, max } => Some((id, p.name, min, max)),
            ParamKind::IntList { .. } | ParamKind::Bool => None,
        })
        .collect()
}

fn spec_of(id: &str) -> &'static [concurrency_playground::params::ParamSpec] {
    ALL.iter().find(|s| s.id == id).unwrap().params
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_is_accepted_in_range_or_refused_with_the_range(index in 0usize..64, text in "\\PC{0,40}") {
        let specs = int_specs();
        let (id, name, min, max) = specs[index % specs.len()];
        match validate(spec_of(id), &[(name.to_string(), text.clone())]) {
            Ok(params) => prop_assert!((min..=max).contains(&params.int(name)), "{text:?} gave {}", params.int(name)),
            Err(errors) => {
                prop_assert_eq!(errors.len(), 1);
                prop_assert_eq!(&errors[0].param, name);
                let expected = format!("{name} must be {}", describe(&ParamKind::Int { min, max }));
                prop_assert!(errors[0].message.starts_with(&expected), "{}", errors[0].message);
                prop_assert!(errors[0].message.len() < 200);
            }
        }
    }

    #[test]
    fn every_number_in_range_is_accepted_however_written(index in 0usize..64, fraction in 0.0f64..=1.0, form in 0u8..3) {
        let specs = int_specs();
        let (id, name, min, max) = specs[index % specs.len()];
        let value = min + ((max - min) as f64 * fraction) as u64;
        let text = match form {
            0 => value.to_string(),
            1 => group(value),
            _ => format!("  {value}\t"),
        };
        let params = validate(spec_of(id), &[(name.to_string(), text)]).unwrap();
        prop_assert_eq!(params.int(name), value);
    }

    #[test]
    fn numbers_just_outside_the_range_are_refused(index in 0usize..64, above in any::<bool>()) {
        let specs = int_specs();
        let (id, name, min, max) = specs[index % specs.len()];
        let text = if above { (u128::from(max) + 1).to_string() } else if min > 0 { (min - 1).to_string() } else { "-1".to_string() };
        prop_assert!(validate(spec_of(id), &[(name.to_string(), text)]).is_err());
    }

    #[test]
    fn lists_are_bounded(items in proptest::collection::vec(0u64..2_000_000_000, 0..40)) {
        let text = items.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        let outcome = validate(spec_of("multiprocessing-pool"), &[("inputs".to_string(), text)]);
        let fits = !items.is_empty() && items.len() <= 16 && items.iter().all(|&n| n <= 1_000_000_000);
        match outcome {
            Ok(p) => { prop_assert!(fits); prop_assert_eq!(p.int_list("inputs"), &items[..]); }
            Err(e) => { prop_assert!(!fits); prop_assert!(e[0].message.starts_with("inputs must be a list of 1 to 16 whole numbers")); }
        }
    }

    #[test]
    fn unknown_names_are_named_back(name in "[a-z_]{1,12}") {
        prop_assume!(spec_of("threading-lock").iter().all(|p| p.name != name));
        let errors = validate(spec_of("threading-lock"), &[(name.clone(), "1".to_string())]).unwrap_err();
        prop_assert_eq!(&errors[0].param, &name);
    }
}

#[test]
fn defaults_are_the_seeds() {
    let lock = validate(spec_of("threading-lock"), &[]).unwrap();
    assert_eq!((lock.int("threads"), lock.int("iterations")), (2, 100_000));
    let pool = validate(spec_of("multiprocessing-pool"), &[]).unwrap();
    assert_eq!(
        pool.iter().find(|(n, _)| *n == "inputs").map(|(_, v)| v.clone()),
        Some(ParamValue::IntList(vec![1_000_000, 10_000_000, 100_000_000]))
    );
}
