"""The error model: every user-facing failure is a GitMigrateError that says what and how to fix.

GitMigrateError                 exit 1
├── UsageError                  exit 2  (bad arguments, unknown step/target/dialect)
├── NotARepositoryError         exit 2
├── RepositoryStateError        exit 2  (dirty tree, detached HEAD, not initialised ...)
├── ConfigError                 exit 2
├── FileFormatError             exit 2  (a config file that does not parse: file:line:col)
├── SqlParseError               exit 3  (carries file, line, column)
├── BlockedError                exit 3  (validation / lint / checksum refused the run)
│   ├── ChecksumMismatchError
│   └── LedgerVersionError      (the target's ledger is newer than this git-migrate)
├── TargetError                 exit 1  (unreachable database, missing driver, bad credentials)
├── LockTimeoutError            exit 1
├── StepFailedError             exit 1  (a step failed and was rolled back)
├── CorruptMetadataError        exit 1  (a notes ref or step file edited into garbage)
└── InterruptedRunError         exit 130 (SIGINT/SIGTERM; resumable)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BLOCKED = 3
EXIT_INTERRUPTED = 130


class GitMigrateError(Exception):
    """Base of every error shown to a user as one line, without a traceback."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(GitMigrateError):
    exit_code = EXIT_USAGE


class NotARepositoryError(GitMigrateError):
    exit_code = EXIT_USAGE


class RepositoryStateError(GitMigrateError):
    exit_code = EXIT_USAGE


class ConfigError(GitMigrateError):
    exit_code = EXIT_USAGE


class SqlParseError(GitMigrateError):
    """Malformed SQL, located precisely so an editor can jump to it."""

    exit_code = EXIT_BLOCKED

    def __init__(self, file: str, line: int, column: int, detail: str) -> None:
        super().__init__(
            f"{file}:{line}:{column}: SQL does not parse: {detail}",
            "fix the statement at that position and run the command again",
        )
        self.file = file
        self.line = line
        self.column = column
        self.detail = detail


class FileFormatError(UsageError):
    """A structured file (YAML, JSON, TOML, INI, .env) that does not parse, located precisely
    (file:line:col, 1-based) so an editor can jump to it."""

    def __init__(self, file: str, line: int, column: int, detail: str, hint: str = "") -> None:
        super().__init__(
            f"{file}:{line}:{column}: {detail}",
            hint or "fix the file at that position and run the command again",
        )
        self.file = file
        self.line = line
        self.column = column
        self.detail = detail


class BlockedError(GitMigrateError):
    exit_code = EXIT_BLOCKED


class ChecksumMismatchError(BlockedError):
    def __init__(self, step_id: str, file: str, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.step_id = step_id
        self.file = file


class LedgerVersionError(BlockedError):
    """The ledger was written by a newer git-migrate: reading it could misread its rows."""

    def __init__(self, message: str, hint: str, *, version: int, required: str | None) -> None:
        super().__init__(message, hint)
        self.version = version
        self.required = required  # the git-migrate version that wrote it, if recorded


class TargetError(GitMigrateError):
    exit_code = EXIT_FAILED


class LockTimeoutError(GitMigrateError):
    exit_code = EXIT_FAILED


class StepFailedError(GitMigrateError):
    exit_code = EXIT_FAILED

    def __init__(self, step_id: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.step_id = step_id


class CorruptMetadataError(GitMigrateError):
    exit_code = EXIT_FAILED


class InterruptedRunError(GitMigrateError):
    exit_code = EXIT_INTERRUPTED
