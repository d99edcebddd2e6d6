//! Processes: a worker with its own memory that runs tasks sent to it as messages.
//!
//! In the browser a process is a Web Worker holding its *own* instance of the compiled
//! module, with its own (unshared) memory: a global changed there is not changed here, just
//! as with `multiprocessing`. Tasks go to it and results come back as messages. On the host a
//! std thread stands in for it (same messages, shared statics), enough to test the logic.

use super::{Ctx, EventKind, RtError};

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
    ctx.span("run", start_ms, task.label());
    result
}

/// A started process, ready to run tasks until `exit`.
pub struct Process {
    ctx: Ctx,
    name: String,
    pid: u32,
    #[cfg(target_arch = "wasm32")]
    handle: super::browser::processes::Handle,
}

impl Process {
    pub(super) async fn start(ctx: Ctx, name: &str) -> Result<Process, RtError> {
        let requested_ms = super::clock::now_ms();
        #[cfg(target_arch = "wasm32")]
        let (handle, pid) = super::browser::processes::start(name).await?;
        #[cfg(not(target_arch = "wasm32"))]
        let pid = native_pid();

        // The lane begins when the process was asked for: starting one is part of its cost
        // (a fresh worker and instance, unless a warm spare was waiting).
        let outer = super::set_lane(name.to_string());
        ctx.span("start", requested_ms, format!("starting process {pid}"));
        ctx.emit(EventKind::LaneStart { what: format!("process, pid {pid}") });
        super::set_lane(outer);
        Ok(Process {
            ctx,
            name: name.to_string(),
            pid,
            #[cfg(target_arch = "wasm32")]
            handle,
        })
    }

    /// The process id, Python's `os.getpid()` inside it.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `task` in the process and waits (asynchronously) for its result.
    pub async fn call(&self, task: impl ProcessTask) -> Result<u128, RtError> {
        #[cfg(target_arch = "wasm32")]
        {
            super::browser::processes::call(&self.handle, &task.encode()).await
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let (ctx, name, pid) = (self.ctx.clone(), self.name.clone(), self.pid);
            let (send, result) = futures::channel::oneshot::channel();
            std::thread::spawn(move || {
                super::set_lane(name);
                let _ = send.send(run_in_this_process(&task, &ctx, pid));
            });
            result
                .await
                .map_err(|_| RtError::Process("the process ended without a result".into()))?
                .map_err(RtError::Process)
        }
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
        let outer = super::set_lane(self.name.clone());
        self.ctx.emit(EventKind::LaneEnd);
        super::set_lane(outer);
        #[cfg(target_arch = "wasm32")]
        super::browser::processes::exit(&self.handle);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn native_pid() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1000);
    NEXT.fetch_add(1, Ordering::Relaxed)
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
    ctx.span("map-wait", waiting_since, label);
    Ok(results.into_inner().into_iter().map(|r| r.expect("every input was mapped")).collect())
}
