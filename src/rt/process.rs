//! Processes: a worker with its own memory that runs tasks sent to it as messages.
//!
//! In the browser a process is a Web Worker holding its *own* instance of the compiled
//! module, with its own (unshared) memory: a global changed there is not changed here, just
//! as with `multiprocessing`. Tasks go to it and results come back as messages. On the host a
//! std thread stands in for it (same messages, shared statics), enough to test the logic.

use super::{Ctx, EventKind, RtError, SpanState, backend};

/// Work that can be sent to a process: it crosses as text, like a pickled call.
pub trait ProcessTask: Send + 'static {
    /// The call as text, decoded again inside the process.
    fn encode(&self) -> String;
    /// Runs the task in the process with id `pid`, printing through `ctx`.
    fn run(&self, ctx: &Ctx, pid: u32) -> Result<u128, String>;
    /// The call as Python writes it, e.g. `compute_heavy_task(1000000)`, for the timeline.
    fn label(&self) -> String;
}

/// Runs `task` here, in the process, and reports its running time on the process's lane.
pub fn run_in_this_process(task: &dyn ProcessTask, ctx: &Ctx, pid: u32) -> Result<u128, String> {
    let start_ms = super::clock::now_ms();
    let result = task.run(ctx, pid);
    ctx.span(SpanState::Run, start_ms, task.label());
    result
}

/// A started process, ready to run tasks until `exit`.
pub struct Process {
    ctx: Ctx,
    name: String,
    pid: u32,
    handle: backend::ProcessHandle,
}

impl Process {
    pub(super) async fn start(ctx: Ctx, name: &str) -> Result<Process, RtError> {
        let requested_ms = super::clock::now_ms();
        let (handle, pid) = backend::start_process(name).await?;
        // The lane begins when the process was asked for: starting one is part of its cost
        // (a fresh worker and instance, unless a warm spare was waiting).
        let label = format!("starting process {pid}");
        ctx.emit_on(name, EventKind::Span { state: SpanState::Start, start_ms: requested_ms, label });
        ctx.emit_on(name, EventKind::LaneStart { what: format!("process, pid {pid}") });
        Ok(Process { ctx, name: name.to_string(), pid, handle })
    }

    /// The process id, Python's `os.getpid()` inside it.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `task` in the process and waits (asynchronously) for its result. The task crosses
    /// as text to a browser process; the host backend runs it on a thread of its own.
    pub async fn call(&self, task: impl ProcessTask) -> Result<u128, RtError> {
        let encoded = task.encode();
        let (ctx, name, pid) = (self.ctx.clone(), self.name.clone(), self.pid);
        let run_here = Box::new(move || {
            super::set_lane(name);
            run_in_this_process(&task, &ctx, pid)
        });
        backend::call_process(&self.handle, encoded, run_here).await
    }

    /// Ends the process (Python's `join` after its target returned).
    pub fn exit(self) {
        drop(self);
    }
}

/// A process ends when its handle goes, however it goes (`exit`, or an error returned with `?`),
/// so the page can recycle its worker at once.
impl Drop for Process {
    fn drop(&mut self) {
        self.ctx.emit_on(&self.name, EventKind::LaneEnd);
        backend::exit_process(&self.handle);
    }
}

/// What one task of a pool map gave, and which process ran it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapped {
    pub value: u128,
    pub pid: u32,
    pub ms: u64,
}

/// `Pool(processes).map(f, inputs)`: starts `processes` processes named `name_prefix-1`...
/// (as `Pool()` does before `map` is called), hands each the next input as soon as it is free
/// (chunksize 1, as Pool picks for short lists), and returns the results in input order. The
/// processes end afterwards. The caller's lane shows the time it waited, start-up included.
pub async fn pool_map<T: ProcessTask + Clone>(
    ctx: &Ctx,
    name_prefix: &str,
    processes: usize,
    calls: &[T],
) -> Result<Vec<Mapped>, RtError> {
    use std::cell::{Cell, RefCell};

    let waiting_since = super::clock::now_ms();
    let starting = (1..=processes).map(|i| async move { ctx.start_process(&format!("{name_prefix}-{i}")).await });
    let pool: Vec<Process> = futures::future::try_join_all(starting).await?;
    let next = Cell::new(0usize);
    let results: RefCell<Vec<Option<Mapped>>> = RefCell::new(vec![None; calls.len()]);
    let workers = pool.iter().map(|process| async {
        loop {
            let i = next.get();
            if i >= calls.len() {
                return Ok::<(), RtError>(());
            }
            next.set(i + 1);
            let started = super::clock::now_ms();
            let value = process.call(calls[i].clone()).await?;
            let ms = (super::clock::now_ms() - started).round() as u64;
            results.borrow_mut()[i] = Some(Mapped { value, pid: process.pid(), ms });
        }
    });
    let outcome = futures::future::try_join_all(workers).await;
    pool.into_iter().for_each(Process::exit);
    outcome?;
    let label = format!("waiting for the pool: {processes} processes started, {} calls mapped", calls.len());
    ctx.span(SpanState::MapWait, waiting_since, label);
    Ok(results.into_inner().into_iter().map(|r| r.expect("every input was mapped")).collect())
}
