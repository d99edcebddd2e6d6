//! A learner's Python program, run by RustPython with real threads.
//!
//! The page starts this module's `_start` on a worker as `python -c "import _playground; ..."`;
//! `py/_playground.py` (frozen in with the listed standard library modules) runs the learner's
//! `main.py` and reports what happens (threads starting and ending, printed lines, sleeps,
//! joins, lock waits) as events on file descriptor 3, which the page stamps with its shared
//! clock. `threading.Thread.start` is wasi-libc's `pthread_create`: a wasi thread that the
//! page hands to a Web Worker of its own (www/python/).
use rustpython::InterpreterBuilder;
use rustpython_vm::common::rc::PyRc;

fn interpreter() -> InterpreterBuilder {
    let builder = InterpreterBuilder::new();
    let native = rustpython_stdlib::stdlib_module_defs(&builder.ctx);
    builder
        .add_native_modules(&native)
        .add_frozen_modules(rustpython_vm::py_freeze!(dir = "../target-stdlib"))
        .init_hook(|vm| {
            let state = PyRc::get_mut(&mut vm.state).expect("no other reference yet");
            state.config.paths.stdlib_dir = Some("/frozen-lib".to_owned());
        })
}

fn main() -> std::process::ExitCode {
    rustpython::run(interpreter())
}
