"""`generate.py batch MANIFEST`: build many handouts (and packets) on every core, incrementally.

The parent plans the jobs, hashes every input once, skips outputs whose recorded input hash matches,
and hands the rest to worker processes. Each worker keeps one `Project`, so every content, layout,
clinic, font and logo is loaded once per worker. A failing job fails alone; Ctrl-C or SIGTERM stops
the workers (a PDF is either complete or absent: `write_atomic` renames) and records what finished.
"""
from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.errors import HandoutError, Problem, display_path, plural
from handouts.write import write_atomic

# -- worker side ---------------------------------------------------------------------------------

if TYPE_CHECKING:
    from handouts.build import Project

_project: Project | None = None
_bad_clinics: dict = {}


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def tune_gc() -> None:
    """A batch worker allocates some 100,000 short-lived objects a handout (flowables, frames, PDF
    objects); at Python's default threshold (700) the cyclic collector runs ~15 times a handout and
    took about 12% of the time. Collecting the youngest generation every 10,000 allocations instead
    halves that, for a few MB more between collections."""
    gc.set_threshold(10_000, 20, 20)


def _init_worker(root: str) -> None:
    global _project
    tune_gc()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides; it sends SIGTERM
    signal.signal(signal.SIGTERM, _stop)           # unwinds write_atomic, which removes its temp file
    from handouts.build import Project
    _project = Project(Path(root))
    _bad_clinics.clear()


def _worker_project() -> Project:
    assert _project is not None, "a worker's project is set when it starts"
    return _project


def _clinic(folder: Path):
    if folder in _bad_clinics:
        raise _bad_clinics[folder]
    try:
        return _worker_project().clinic(folder)
    except HandoutError as exc:
        _bad_clinics[folder] = exc
        raise


def _build_one(task) -> tuple:
    """(index, pages, size, problems) for one handout job; writes the PDF."""
    from handouts.build import build_handout
    index, job = task
    try:
        built = build_handout(_worker_project(), _clinic(job.clinic), job.handout, job.layout, job.paper, job.archive)
        try:
            # no fsync per file: State.save syncs once before it records any output, so an output
            # whose bytes might not have reached the disk is never marked up to date
            write_atomic(job.output, built.pdf, sync=False)
        except OSError as exc:
            raise HandoutError(Problem(f"cannot write the PDF: {exc.strerror}", display_path(job.output))) from None
        return index, built.pages, len(built.pdf), []
    except HandoutError as exc:
        return index, 0, 0, [str(p) for p in exc.problems]
    except Exception as exc:  # a bug must not take the other jobs down
        return index, 0, 0, [f"{display_path(job.handout.path)}: internal error: {type(exc).__name__}: {exc}"]


def _merge_one(task) -> tuple:
    from handouts import __version__
    from handouts.pdf.packet import merge
    index, packet = task
    try:
        data, pages = merge([j.output for j in packet.parts], packet.title,
                            f"handouts {__version__} (reportlab, pypdf)")
        try:
            write_atomic(packet.output, data, sync=False)
        except OSError as exc:
            raise HandoutError(Problem(f"cannot write the PDF: {exc.strerror}", display_path(packet.output))) from None
        return index, pages, len(data), []
    except HandoutError as exc:
        return index, 0, 0, [str(p) for p in exc.problems]
    except Exception as exc:
        return index, 0, 0, [f"internal error merging the packet: {type(exc).__name__}: {exc}"]


# -- parent side ---------------------------------------------------------------------------------

SAVE_EVERY = 15.0  # seconds between state saves during a long batch

@dataclass
class Tally:
    built: int = 0
    skipped: int = 0
    failed: list = field(default_factory=list)  # (output, [problem text])
    pages: int = 0
    bytes: int = 0
    packets: set = field(default_factory=set)   # the plan's packet outputs (to tell them apart in `failed`)


class Progress:
    """tqdm on a terminal; plain lines otherwise. A failure is only counted as it happens (listed
    with -v): the batch ends with one line per cause (report_failures)."""

    def __init__(self, total: int, what: str, quiet: bool, verbose: bool = False):
        self.bar = None
        self.quiet = quiet
        self.verbose = verbose
        self.failed = 0
        if total and sys.stderr.isatty() and not quiet:
            from tqdm import tqdm
            try:
                width = os.get_terminal_size(sys.stderr.fileno()).columns
            except OSError:
                width = 0
            size = {"dynamic_ncols": True} if width > 0 else {"ncols": 80, "nrows": 24}  # a tty may report 0x0
            self.bar = tqdm(total=total, desc=what, unit="pdf", file=sys.stderr, **size,
                            bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {rate_fmt} {elapsed}<{remaining} {postfix}")

    def done(self, output: Path, pages: int, problems: list) -> None:
        self.failed += bool(problems)
        if self.bar is not None:
            if problems and self.verbose:
                self.bar.write(f"FAILED {display_path(output)}")
            if problems:
                self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
            self.bar.update(1)
        elif problems:
            if self.verbose:
                print(f"FAILED {display_path(output)}: {problems[0]}", file=sys.stderr, flush=True)
        elif not self.quiet:
            print(f"built  {display_path(output)}  ({pages} page{'s' if pages != 1 else ''})", flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _worker_main(conn, root: str) -> None:
    """A worker: take (kind, task) from the parent, send the result back, until told to stop."""
    _init_worker(root)
    fns = {"handout": _build_one, "packet": _merge_one}

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind, task = message
        if kind not in fns:  # another command's job, named "module:function" (e.g. programs)
            module, _, name = kind.partition(":")
            fns[kind] = getattr(importlib.import_module(module), name)
        conn.send(fns[kind](task))


class Queues:
    """The tasks of a batch in groups (one per handout, language, layout and paper), handed out so
    that each worker keeps to one group while it lasts; see Workers.map."""

    def __init__(self, tasks: list, group=None):
        groups: dict = {}
        for task in tasks:
            groups.setdefault(group(task) if group else None, []).append(task)
        self.queues = [list(reversed(g)) for g in groups.values()]   # pop() takes the next task
        self.mine: dict = {}                                          # worker -> (its queue, far end?)

    def __bool__(self) -> bool:
        return any(self.queues)

    def take(self, worker):
        """The next task for this worker: from its group; else the first group nobody has; else
        from the far end of the largest group left (helping whoever has it)."""
        queue, far = self.mine.get(worker, (None, False))
        if not queue:
            others = {id(q) for w, (q, _) in self.mine.items() if w is not worker and q}
            fresh = [q for q in self.queues if q and id(q) not in others]
            if fresh:
                queue, far = fresh[0], False
            else:
                queue, far = max((q for q in self.queues if q), key=len), True
            self.mine[worker] = (queue, far)
        return queue.pop(0) if far else queue.pop()

    def rest(self) -> list:
        return [task for queue in self.queues for task in reversed(queue)]


class Workers:
    """Worker processes, each with its own pipe. The parent hands a task to whichever worker is idle.
    No queue or lock is shared between workers, so stopping one (SIGTERM) can never wedge the others
    or the parent, which is what makes Ctrl-C and SIGTERM safe."""

    def __init__(self, count: int, root: Path):
        methods = multiprocessing.get_all_start_methods()
        ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        if "fork" in methods:
            from handouts.layout.fonts import load_fonts
            load_fonts()  # registered once here, inherited by every forked worker
        self.procs, self.conns = [], []
        for _ in range(count):
            ours, theirs = ctx.Pipe()
            proc = ctx.Process(target=_worker_main, args=(theirs, str(root)), daemon=True)
            proc.start()
            theirs.close()
            self.procs.append(proc)
            self.conns.append(ours)

    def map(self, kind: str, tasks: list, group=None):
        """Yield each task's result as it finishes (any order). A worker that dies fails its task.

        group(task) -> key: tasks with the same key (the same handout, language, layout and paper) go
        to the same worker while it has any left, so each worker pays the cold start of a handout
        (the fit search, parsing and line breaking of its text) once, not every worker for every
        handout; a worker whose group is done takes the next group, or helps with the largest one."""
        from multiprocessing.connection import wait
        queues = Queues(tasks, group)
        idle = list(self.conns)
        busy: dict = {}

        while queues or busy:
            while idle and queues:
                conn = idle.pop()
                task = queues.take(conn)
                conn.send((kind, task))
                busy[conn] = task
            if not busy:
                break
            for conn in wait(list(busy)):  # (the pipes' ends: Connection objects)
                task = busy.pop(conn)
                try:
                    result = conn.recv()  # type: ignore[union-attr, call-arg]
                except (EOFError, OSError):
                    self.conns.remove(conn)   # it died (killed, out of memory): fail its task, go on
                    result = (task[0], 0, 0, ["internal error: the worker process building this stopped"])
                else:
                    idle.append(conn)
                yield result
        for index, _ in queues.rest():      # no worker left
            yield index, 0, 0, ["internal error: no worker process left"]

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except OSError:
                pass
        for proc in self.procs:
            proc.join(10)
        self.kill()

    def kill(self) -> None:
        """SIGTERM: each worker unwinds (removing its temporary file); SIGKILL whoever does not."""
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self.procs = []


def _handout_group(task) -> tuple:
    _, job = task
    return (job.handout.path, job.layout, job.paper)


def _run(pool, kind: str, tasks: list, outputs: list[Path], what: str, quiet: bool, on_done,
         verbose: bool = False) -> None:
    """Run tasks on the workers (or here when pool is None), calling on_done(index, pages, size, problems)."""
    progress = Progress(len(tasks), what, quiet, verbose)
    try:
        if pool is not None:
            results = pool.map(kind, tasks, _handout_group if kind == "handout" else None)
        else:
            results = map(_build_one if kind == "handout" else _merge_one, tasks)
        for index, pages, size, problems in results:
            on_done(index, pages, size, problems)
            progress.done(outputs[index], pages, problems)
    finally:
        progress.close()


def run_plan(project, plan, jobs: int, force: bool = False, quiet: bool = False, verbose: bool = False) -> Tally:
    """Build a plan's handouts, then its packets. Raises KeyboardInterrupt when stopped."""
    from handouts.reuse.incremental import Hasher, State
    hasher, state, tally = Hasher(project.root), State(), Tally()
    keys = [hasher.handout_key(j.clinic, j.handout.path, j.handout.language, j.layout, j.paper, j.archive)
            for j in plan.jobs]
    todo = [i for i, (j, k) in enumerate(zip(plan.jobs, keys)) if force or not state.fresh(j.output, k)]
    tally.skipped = len(plan.jobs) - len(todo)
    failed_jobs: dict[int, list] = {}   # job index -> its problems
    saved = [time.monotonic()]
    pool = None
    try:
        previous = signal.signal(signal.SIGTERM, _sigterm)  # SIGTERM unwinds like Ctrl-C: no temp files left
    except ValueError:  # not the main thread
        previous = None
    if todo and jobs > 1 and len(todo) > 1:
        pool = Workers(min(jobs, len(todo)), project.root)
    elif todo:
        _init_worker_inline(project)
    try:
        # the same handout/layout/paper one after another: a worker's caches stay warm
        todo.sort(key=lambda i: (plan.jobs[i].handout.name, plan.jobs[i].handout.language,
                                 plan.jobs[i].layout, plan.jobs[i].paper, plan.jobs[i].clinic.name))

        def handout_done(index, pages, size, problems):
            job = plan.jobs[index]
            if problems:
                failed_jobs[index] = problems
                state.forget(job.output)
                tally.failed.append((job.output, problems))
            else:
                state.record(job.output, keys[index])
                tally.built += 1
                tally.pages += pages
                tally.bytes += size
            if time.monotonic() - saved[0] > SAVE_EVERY:   # a killed batch keeps most of its work
                state.save()
                saved[0] = time.monotonic()

        outputs = [j.output for j in plan.jobs]
        _run(pool, "handout", [(i, plan.jobs[i]) for i in todo], outputs, "handouts", quiet, handout_done, verbose)
        if plan.packets:
            index_of = {id(j): i for i, j in enumerate(plan.jobs)}
            pkeys, ptodo = [], []
            for i, pj in enumerate(plan.packets):
                parts = [index_of[id(j)] for j in pj.parts]
                pkeys.append(hasher.packet_key(pj.title, [keys[p] for p in parts]))
                tally.packets.add(pj.output)
                if any(p in failed_jobs for p in parts):
                    # not merged: counted under the causes of its handouts' failures, not as one more
                    causes = dict.fromkeys(c for p in parts for c in failed_jobs.get(p, []))
                    tally.failed.append((pj.output, list(causes)))
                    state.forget(pj.output)
                elif force or not state.fresh(pj.output, pkeys[i]):
                    ptodo.append(i)
                else:
                    tally.skipped += 1

            def packet_done(index, pages, size, problems):
                pj = plan.packets[index]
                if problems:
                    state.forget(pj.output)
                    tally.failed.append((pj.output, problems))
                else:
                    state.record(pj.output, pkeys[index])
                    tally.built += 1
                    tally.bytes += size

            if ptodo and pool is None and jobs > 1 and len(ptodo) > 1:
                pool = Workers(min(jobs, len(ptodo)), project.root)
            _run(pool, "packet", [(i, plan.packets[i]) for i in ptodo], [p.output for p in plan.packets],
                 "packets", quiet, packet_done, verbose)
    except BaseException:
        if pool is not None:
            pool.kill()        # SIGTERM: each worker unwinds and removes its temporary file
            pool = None
        raise
    finally:
        if pool is not None:
            pool.close()
        state.save()           # what finished is recorded, also when interrupted
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return tally


def _init_worker_inline(project) -> None:
    global _project
    tune_gc()
    _project = project
    _bad_clinics.clear()


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def add_command(sub) -> None:
    b = sub.add_parser("batch", help="build everything a manifest names, on every core, incrementally",
                       description="Build every clinic x handout x language x paper x layout a manifest names, "
                       "and its packets. Only outputs whose inputs changed are rebuilt. Exit 1 if any failed.")
    b.add_argument("manifest", type=Path, help="manifest file, e.g. manifests/example.yaml")
    b.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help=f"worker processes (default: the number of cores, {os.cpu_count() or 1})")
    b.add_argument("--force", action="store_true", help="rebuild everything, changed or not")
    b.add_argument("--quiet", "-q", action="store_true", help="print only failures and the summary")
    b.add_argument("--verbose", "-v", action="store_true", help="list every output a failure stopped (by "
                   "default each cause names the first few), and each failure as it happens")
    b.add_argument("--archive", action="store_true", help="also make every handout PDF archival (PDF/A-2b), "
                   "as if the manifest said archive: true")


def _archival(plan):
    """The plan with every handout job archival (packets keep their parts, now archival ones)."""
    from dataclasses import replace
    swap = {id(j): replace(j, archive=True) for j in plan.jobs}
    jobs = [swap[id(j)] for j in plan.jobs]
    packets = [replace(p, parts=tuple(swap.get(id(j), replace(j, archive=True)) for j in p.parts))
               for p in plan.packets]
    return replace(plan, jobs=jobs, packets=packets)


FIRST_FEW = 3  # outputs named after each cause (-v: all of them)


def causes(tally: Tally) -> dict[str, list[Path]]:
    """Each distinct problem -> the outputs it stopped (handouts, then packets, each sorted), in the
    order of the problems' text (so the same file's problems are together)."""
    found: dict[str, list[Path]] = {}
    for output, problems in tally.failed:
        for problem in problems:
            found.setdefault(problem, []).append(output)
    return {cause: sorted(outputs, key=lambda o: (o in tally.packets, str(o))) for cause, outputs in sorted(found.items())}


def _counted(outputs: list[Path], packets: set) -> str:
    """"12 handouts and 4 packets"."""
    in_packets = sum(o in packets for o in outputs)
    parts = []
    if len(outputs) > in_packets:
        parts.append(plural(len(outputs) - in_packets, "handout"))
    if in_packets:
        parts.append(plural(in_packets, "packet"))
    return " and ".join(parts)


def report_failures(tally: Tally, verbose: bool = False) -> None:
    """One line per cause: the problem, how many outputs it stopped and the first few of them
    (verbose: every one, a line each)."""
    for cause, outputs in causes(tally).items():
        names = [display_path(o) for o in outputs]
        if verbose:
            print(f"error: {cause} ({_counted(outputs, tally.packets)}):", file=sys.stderr)
            for name in names:
                print(f"    {name}", file=sys.stderr)
            continue
        shown = ", ".join(names[:FIRST_FEW]) + (f" and {len(names) - FIRST_FEW} more" if len(names) > FIRST_FEW else "")
        print(f"error: {cause} ({_counted(outputs, tally.packets)}: {shown})", file=sys.stderr)


def cmd_batch(project, args) -> int:
    from handouts.batch.manifest import load_manifest
    if args.jobs < 1:
        raise HandoutError(Problem(f"--jobs must be at least 1, got {args.jobs}"))
    start = time.perf_counter()
    plan, _ = load_manifest(project, args.manifest)
    if args.archive:
        plan = _archival(plan)
    try:
        tally = run_plan(project, plan, args.jobs, args.force, args.quiet, args.verbose)
    except KeyboardInterrupt:
        print("interrupted: finished PDFs are kept and recorded, no half-written files were left; "
              "run the same command again to build the rest", file=sys.stderr)
        return 130
    took = time.perf_counter() - start
    report_failures(tally, args.verbose)
    print(f"{tally.built} built, {tally.skipped} up to date, {len(tally.failed)} failed "
          f"({took:.2f} s)", file=sys.stderr)
    return 1 if tally.failed else 0
