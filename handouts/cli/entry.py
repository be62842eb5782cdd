"""The command's entry point: `generate.py` and the `handouts` console script.

Importing the generator (reportlab, pydantic) takes a few tenths of a second; Ctrl-C in that
window, or before the command's own handler is in place, must still end with one line, not a traceback.
Nothing has been written by then.
"""
import sys

INTERRUPTED = "interrupted before anything was written"


def _ignore_interrupts() -> None:
    """The work is over (done, failed or stopped): a late Ctrl-C must not turn the exit into a signal."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)  # and an interrupt re-raised by _late_interrupt is dropped


def _late_interrupt(hook_args) -> None:
    """A Ctrl-C or SIGTERM whose KeyboardInterrupt (or a worker's SystemExit) lands inside a finalizer
    (a __del__, a weakref callback) is swallowed there and printed as "Exception ignored ...
    Traceback". Raise it again a moment later in the main code, where it stops the run as it should
    (anything raised inside this hook would be swallowed too); anything else goes to the usual hook."""
    import signal
    exc = hook_args.exc_value
    if isinstance(exc, (KeyboardInterrupt, SystemExit)) and hasattr(signal, "setitimer"):
        def again(signum, frame):
            raise exc
        signal.signal(signal.SIGALRM, again)
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        return
    sys.__unraisablehook__(hook_args)


def main(argv: list[str] | None = None) -> int:
    code = 130
    previous, sys.unraisablehook = sys.unraisablehook, _late_interrupt  # the process's entry: ours to set
    try:
        try:
            from handouts.cli.main import main as run
            code = run(argv)
        finally:
            _ignore_interrupts()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
    except BaseException as exc:
        if not _interrupted(exc):
            raise
        print(INTERRUPTED, file=sys.stderr)
    finally:
        sys.unraisablehook = previous
    return code


def _interrupted(exc: BaseException) -> bool:
    """A Ctrl-C in disguise: older pydantic-core (the floor, 2.7) turns one that lands while it builds
    a model's validator or serializer at import into a Rust panic (pyo3's PanicException) or a
    SchemaError whose message ends in the KeyboardInterrupt."""
    return type(exc).__name__ in ("PanicException", "SchemaError") and "KeyboardInterrupt" in str(exc)
