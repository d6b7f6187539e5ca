"""The click group of `frontline`: every failure is one `Error: ...` line on stderr with the contract's exit code.

Exit codes: 0 all inputs processed; 1 finished but some inputs skipped; 2 usage error or nothing processed;
128 + N when signal N (SIGINT, SIGTERM) stopped the run.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, NoReturn

import click

from gazetteer.errors import GazetteerError
from geo.errors import FrontlineError

__all__ = ["FrontlineGroup", "Interrupted", "error_line", "fail", "silence_stdout", "install_signal_handlers"]


def error_line(message: object) -> str:
    """Return `message` as one `Error: ...` line (a message with newlines would read as several errors)."""
    return "Error: " + " ".join(str(message).split())


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line on stderr and exit with `code`."""
    click.echo(error_line(message), err=True)
    sys.exit(code)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; a BaseException so that no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# click >= 8.2 raises this when a group is run without a command; older versions print help themselves.
_NO_ARGS_IS_HELP: tuple[type[click.UsageError], ...] = tuple(
    getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",) if hasattr(click.exceptions, name)
)


class FrontlineGroup(click.Group):
    """A click group whose failures are one `Error:` line on stderr with the contract's exit code, no traceback.

    It wraps `main`, so the console script and `CliRunner` behave the same.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode turn every failure into one line and an exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NO_ARGS_IS_HELP as err:
            err.show()  # `frontline` or `frontline gazetteer` alone: the help, as click gives it (exit 2)
            sys.exit(err.exit_code)
        except click.UsageError as err:
            # click prints usage and a hint on three more lines: one line keeps stderr greppable.
            where = err.ctx.command_path if err.ctx else (prog_name or "frontline")
            message = err.format_message().rstrip(".")
            fail(f"{message}{'' if message.endswith('?') else '.'} See '{where} --help'.", err.exit_code)
        except click.ClickException as err:
            fail(err.format_message(), 2)
        except (click.exceptions.Abort, KeyboardInterrupt):
            fail("interrupted", 128 + signal.SIGINT)
        except Interrupted as err:
            fail(f"interrupted by {err}", 128 + err.signum)
        except (FrontlineError, GazetteerError) as err:
            fail(str(err), 2)
        except BrokenPipeError:
            silence_stdout()
            sys.exit(0)
        except sqlite3.DatabaseError as err:
            fail(f"the gazetteer index cannot be read ({err}); rebuild it with 'frontline gazetteer build'", 2)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            fail(f"{where}{err.strerror or err}", 2)
        except Exception as err:  # a bug: still one line, with the way to get the traceback
            if os.environ.get("FRONTLINE_DEBUG"):
                raise
            fail(f"internal error ({type(err).__name__}: {err}); run with FRONTLINE_DEBUG=1 for the traceback", 2)
        sys.exit(0)


def silence_stdout() -> None:
    """Point stdout at /dev/null: the reader of a pipe went away (`| head`).

    Otherwise the flush at exit prints "Exception ignored ... BrokenPipeError".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _on_signal(parent: int) -> Callable[[int, FrameType | None], None]:
    def handle(signum: int, _frame: FrameType | None) -> None:
        if os.getpid() != parent:  # a forked child that kept the handler: leave at once
            os._exit(128 + signum)
        raise Interrupted(signum)

    return handle


def _worker_signals() -> None:
    # In a forked pool worker, Ctrl-C (sent to the whole process group) is left to the parent, which stops
    # the pool: a worker that died on it could die holding the pool's queue lock, and the pool's shutdown
    # would wait for that lock forever. SIGTERM, which that shutdown sends, must end the worker at once,
    # whatever it waits on: the kernel's default action, not a Python handler that runs between bytecodes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def install_signal_handlers() -> None:
    """Make SIGINT and SIGTERM unwind (temporary files removed); forked workers leave them to the parent."""
    handler = _on_signal(os.getpid())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)
    os.register_at_fork(after_in_child=_worker_signals)
