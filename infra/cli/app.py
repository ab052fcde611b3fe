"""The `tvp` root group: --version, --debug, and the one rule for errors.

Every error is one line on stderr (`error: ...`) and a non-zero exit code: 1 for
something the user can fix, 2 for a wrong command line, 3 when the stack is not
ready (`tvp status`), 130 on Ctrl-C. An unexpected exception also gives one line;
its traceback goes to `var/log/tvp-errors.log`, and to stderr with `--debug`.
"""

from __future__ import annotations

import sys
import traceback
from importlib import metadata

import click

from ..runfile import default_var_dir
from .errors import CliError

DEBUG = {"on": False}
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


def example(*lines: str) -> str:
    """A help epilog with examples, kept as written (click rewraps paragraphs unless told not to)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def package_version() -> str:
    try:
        return metadata.version("tvp-platform")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


@click.group(
    context_settings=CONTEXT, epilog=example("tvp up", "tvp status", "tvp token --role auditor", "tvp logs members -f")
)
@click.version_option(package_version(), "--version", prog_name="tvp", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="print the traceback of an unexpected error")
def tvp(debug: bool) -> None:
    """Run the Thrace Productivity Platform on this machine and operate it.

    `tvp up` starts MongoDB, Kafka and the three services and records them in
    var/run.json; the other commands read that file, so they always talk to the
    stack `tvp up` started (or to the servers named by explicit flags).
    """
    DEBUG["on"] = debug


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return code


def _log_traceback() -> str | None:
    try:
        log_dir = default_var_dir() / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "tvp-errors.log"
        with path.open("a", encoding="utf-8") as out:
            out.write(traceback.format_exc() + "\n")
        return str(path)
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    from . import commands  # noqa: F401 - registers the commands on the group

    DEBUG["on"] = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        result = tvp.main(args=argv, prog_name="tvp", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except CliError as exc:
        return _fail(str(exc), getattr(exc, "exit_code", 1))
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.Abort:
        return 130
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        return _fail(exc.format_message().replace("\n", " ") + hint, 2)
    except click.ClickException as exc:
        return _fail(exc.format_message().replace("\n", " "), exc.exit_code or 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, the traceback in a file
        if DEBUG["on"]:
            traceback.print_exc()
        logged = _log_traceback()
        where = f"; traceback in {logged}" if logged else ""
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        return _fail(f"unexpected {type(exc).__name__}: {first}{where} (--debug prints it)", 1)
