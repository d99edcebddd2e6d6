//! The scenarios: one file per program of the seed and per lesson beyond it, each
//! opening with the Python it ports; `tasks.rs` holds the functions sent to processes.
//!
//! `ALL` is the one list that the page, the JS API and the tests all walk.

pub mod asyncio_gather;
pub mod catalogue;
pub mod concurrent_futures;
pub mod multiprocessing_pool;
pub mod multiprocessing_process;
pub mod rayon_pool;
pub mod tasks;
pub mod threading_basic;
pub mod threading_deadlock;
pub mod threading_gil;
pub mod threading_interleave;
pub mod threading_lock;
pub mod threading_speedup;

use std::future::Future;
use std::pin::Pin;

use crate::params::{ParamError, ParamSpec, Params};
use crate::rt::{Ctx, EventKind, RtError};

/// The lane of a program's main thread, as Python names it.
pub const MAIN_LANE: &str = "MainThread";
use crate::value::Value;

/// A check of parameters taken together; the error names the parameter to show it under.
pub type CrossCheck = fn(&Params) -> Result<(), ParamError>;

/// What a scenario's main program returns.
pub type RunFuture = Pin<Box<dyn Future<Output = Result<Value, RtError>>>>;

/// Parameters (name, value as typed) the tests run a scenario with; any not named keep their defaults.
#[derive(Debug)]
pub struct TestParams {
    /// Small within their ranges: a run takes a moment (layout, accessibility, repeated runs).
    pub light: &'static [(&'static str, &'static str)],
    /// A run busy for a few hundred ms, or waiting for the learner: what the Stop tests cancel.
    pub busy: &'static [(&'static str, &'static str)],
}

pub struct Scenario {
    /// Stable id used in URLs, tests and embeds.
    pub id: &'static str,
    pub title: &'static str,
    /// The seed's heading(s) this scenario ports.
    pub seed_section: &'static str,
    /// A program of the seed (false: a lesson beyond it). The end-to-end tests compare the
    /// seed's programs with CPython's output.
    pub from_seed: bool,
    pub params: &'static [ParamSpec],
    /// What the parameters must satisfy together, beyond each one's range (e.g. a schedule
    /// that names only threads that exist): checked by the one validator after the ranges, so
    /// the page, the URL and the API get the same message.
    pub check: Option<CrossCheck>,
    /// Whether it needs threads on shared memory (so cross-origin isolation).
    pub needs_shared_memory: bool,
    /// How many thread workers a run with these parameters starts at most; the page starts
    /// them before the run (a blocked main thread cannot start workers).
    pub threads_needed: fn(&Params) -> usize,
    /// The scenario's main program. It may block (it runs on a worker) and may await.
    pub run: fn(Ctx, Params) -> RunFuture,
    /// The scenario's source file, under `src/scenarios/`. build.sh copies these files next to
    /// the wasm it builds from them (`www/pkg/src/`), so the page shows exactly the code that
    /// ran, without carrying it inside the module.
    pub source_file: &'static str,
    /// Other source files the scenario calls into (e.g. `tasks.rs`), shown after its own.
    pub more_source_files: &'static [&'static str],
    /// Views beyond the timeline, by name: each is a module in the lesson's folder (e.g.
    /// `"speedup-chart"` is `www/lessons/threading-speedup/speedup-chart.js`), which draws the
    /// run's value once it ends or, if it exports `live`, follows the run as it goes.
    pub views: &'static [&'static str],
    /// What the section offers beside Run (e.g. threading-lock's "Run many times").
    pub actions: &'static [Action],
    /// Whether the section offers "Predict first" (`predict=1`): the questions and how they
    /// are graded are `www/predictions.js`'s entry for this id, which the page loads when a
    /// learner is first asked (a test checks that the two agree).
    pub predict: bool,
    /// Parameters for the end-to-end tests that walk every scenario from this registry, so a
    /// new lesson is covered without editing a test (a host test checks them against the ranges).
    pub test_params: TestParams,
    /// The seed's program this scenario ports, complete and runnable (`<file>.py` beside its
    /// Rust file), which the Python mode opens in its editor; empty for a lesson beyond the seed.
    pub python: &'static str,
    /// "What to notice", for a learner: the point of the run, in two or three sentences.
    pub notice: &'static str,
}

/// The two wasm modules the page ships (build.sh). Both describe every scenario; they differ in
/// the programs they carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    /// `www/pkg/`: the seed's programs. Every page downloads it before it is ready, so it
    /// carries nothing else.
    Main,
    /// `www/pkg-lessons/` (cargo feature `lessons`): every program, with rayon. The page loads
    /// it when a lesson's section first comes into view or runs.
    Lessons,
}

impl Module {
    /// Its name in `pg.scenarios` (`module`).
    pub fn name(self) -> &'static str {
        match self {
            Module::Main => "main",
            Module::Lessons => "lessons",
        }
    }
}

/// A lesson's program (a scenario's `run`, an action's `run`), as built into this module: the
/// program itself in the lessons module (cargo feature `lessons`), and in the main module a
/// stand-in that says where it runs, so the download every page waits for carries every
/// lesson's description but none of its code. Without the feature, the program is still
/// type-checked (an unnamed constant holds it), but nothing calls it, so none of it is linked.
#[cfg(feature = "lessons")]
macro_rules! lesson_program {
    ($program:expr) => {
        $program
    };
}
#[cfg(not(feature = "lessons"))]
macro_rules! lesson_program {
    ($program:expr) => {{
        const _: fn(crate::rt::Ctx, crate::params::Params) -> crate::scenarios::RunFuture = $program;
        crate::scenarios::in_the_lessons_module
    }};
}
pub(crate) use lesson_program;

/// The stand-in for a lesson's program in the main module: the page never calls it (it runs
/// lessons in the lessons module); a caller that ignores `Scenario::module()` learns why.
#[cfg(not(feature = "lessons"))]
pub fn in_the_lessons_module(_: Ctx, _: Params) -> RunFuture {
    Box::pin(async {
        Err(RtError::Unsupported(
            "this lesson runs in the lessons module (www/pkg-lessons/, cargo feature `lessons`), not this one".into(),
        ))
    })
}

/// Something a section offers beside Run, with parameters of its own: it runs like the
/// scenario (queued, cancellable, its events streamed to the page) and draws its own views.
pub struct Action {
    /// Its `data-action` on the page and its name in the JS API (`run(id, params, { action })`).
    pub name: &'static str,
    /// The button's words, and a sentence saying what it does.
    pub label: &'static str,
    pub description: &'static str,
    pub params: &'static [ParamSpec],
    pub check: Option<CrossCheck>,
    pub threads_needed: fn(&Params) -> usize,
    pub run: fn(Ctx, Params) -> RunFuture,
    pub views: &'static [&'static str],
}

impl Scenario {
    /// Runs the main program as the lane "MainThread", from its start to its end.
    pub async fn start(&self, ctx: Ctx, params: Params) -> Result<Value, RtError> {
        run_as_main(self.run, ctx, params).await
    }

    /// The wasm module whose program runs it: the seed's programs are in the one every page
    /// loads first, the lessons beyond the seed in the lessons module.
    pub fn module(&self) -> Module {
        if self.from_seed { Module::Main } else { Module::Lessons }
    }

    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}

/// Runs `program` as the lane "MainThread", from its start to its end.
pub async fn run_as_main(program: fn(Ctx, Params) -> RunFuture, ctx: Ctx, params: Params) -> Result<Value, RtError> {
    crate::rt::set_lane(MAIN_LANE.to_string());
    ctx.emit(EventKind::LaneStart { what: "the program's main thread".into() });
    let outcome = program(ctx.clone(), params).await;
    // Tasks swap their lanes in and out; the main program's end is on its own lane.
    ctx.emit_on(MAIN_LANE, EventKind::LaneEnd);
    outcome
}

/// In the seed's order.
pub static ALL: &[&Scenario] = &[
    &threading_basic::SCENARIO,
    &threading_lock::SCENARIO,
    &multiprocessing_process::SCENARIO,
    &multiprocessing_pool::SCENARIO,
    &asyncio_gather::SCENARIO,
    &concurrent_futures::SCENARIO,
    // Lessons beyond the seed.
    &threading_gil::SCENARIO,
    &threading_speedup::SCENARIO,
    &threading_deadlock::SCENARIO,
    &rayon_pool::SCENARIO,
    &threading_interleave::SCENARIO,
];

/// Sorts a short list (a few dozen items at most) in place by `key`, keeping equal items in
/// order. An insertion sort on purpose: `slice::sort` would add about 10 KB to the wasm module
/// for lists this short.
pub fn sort_short<T, K: PartialOrd>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

pub fn find(id: &str) -> Option<&'static Scenario> {
    ALL.iter().copied().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crate_doc_table_lists_every_scenario_and_its_file() {
        let doc = include_str!("../lib.rs");
        for s in ALL {
            let module = s.source_file.trim_end_matches(".rs");
            let row = format!("//! | `{}` |", s.id);
            let line = doc.lines().find(|line| line.starts_with(&row));
            let line = line.unwrap_or_else(|| panic!("src/lib.rs's table has no row for {}", s.id));
            assert!(line.ends_with(&format!("[`scenarios::{module}`] |")), "{}: {line}", s.id);
        }
    }

    #[test]
    fn every_scenario_quotes_its_python_and_has_a_unique_id() {
        let mut ids: Vec<&str> = ALL.iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for s in ALL {
            let path = format!("{}/src/scenarios/{}", env!("CARGO_MANIFEST_DIR"), s.source_file);
            let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(
                source.starts_with("//!") && source.contains("//! ```python\n"),
                "{} quotes no Python at its top",
                s.id
            );
            for p in s.params {
                crate::params::validate(s.params, &[(p.name.to_string(), p.default.to_string())])
                    .unwrap_or_else(|e| panic!("{}: default of {} is invalid: {e:?}", s.id, p.name));
            }
            for (which, pairs) in [("light", s.test_params.light), ("busy", s.test_params.busy)] {
                let given: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                crate::params::validate(s.params, &given)
                    .unwrap_or_else(|e| panic!("{}: its {which} test parameters are invalid: {e:?}", s.id));
            }
        }
    }

    /// The main module carries the seed's programs only: there, a lesson's program (its run
    /// and its actions') is the stand-in, which says where the lesson runs, and a seed program
    /// is itself. (`cargo test --lib` builds the main module's code; with `--features lessons`
    /// every program is itself, which the end-to-end tests run.)
    #[cfg(not(feature = "lessons"))]
    #[test]
    fn the_main_module_has_the_seed_programs_and_stand_ins_for_the_lessons() {
        let stand_in = in_the_lessons_module as fn(Ctx, Params) -> RunFuture as usize;
        for s in ALL {
            let programs = std::iter::once(s.run).chain(s.actions.iter().map(|a| a.run));
            for program in programs {
                assert_eq!(program as usize == stand_in, s.module() == Module::Lessons, "{}", s.id);
            }
        }
        let lesson = ALL.iter().find(|s| s.module() == Module::Lessons).unwrap();
        let params = crate::params::validate(lesson.params, &[]).unwrap();
        let ran = crate::rt::backend::block_on((lesson.run)(Ctx::collecting().0, params));
        assert!(matches!(&ran, Err(RtError::Unsupported(why)) if why.contains("lessons module")), "{ran:?}");
    }

    /// The embed loads the lessons module first for any scenario but the seed's programs, which
    /// it lists (it must choose before any module describes the scenarios).
    #[test]
    fn the_embed_knows_which_scenarios_the_main_module_runs() {
        let embed = include_str!("../../www/embed.js");
        let from = embed.find("const SEED_PROGRAMS = [").expect("www/embed.js lists SEED_PROGRAMS");
        let list = &embed[from..from + embed[from..].find("];").unwrap()];
        for s in ALL {
            let listed = list.contains(&format!("'{}'", s.id));
            assert_eq!(listed, s.module() == Module::Main, "{}: www/embed.js's SEED_PROGRAMS", s.id);
        }
        assert_eq!(list.matches('\'').count(), 2 * ALL.iter().filter(|s| s.module() == Module::Main).count());
    }

    #[test]
    fn a_seed_program_opens_in_the_python_mode_as_the_seed_writes_it() {
        let seed = include_str!("../../seed/async-and-concurrency.md");
        for s in ALL {
            assert_eq!(s.from_seed, !s.python.is_empty(), "{}: a program of the seed has its Python, no other", s.id);
            for line in s.python.lines().filter(|l| !l.trim().is_empty()) {
                assert!(seed.contains(line), "{}: {line:?} is not the seed's", s.id);
            }
        }
    }
}
