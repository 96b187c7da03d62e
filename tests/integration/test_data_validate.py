"""`gitmigrate.data.validate` on real Chinook data in SQLite, PostgreSQL and MariaDB: rules that
hold on the pristine data pass, rows broken by hand are counted exactly and sampled by key, and
bad rules fail before any check runs. PostgreSQL spells Chinook's names in snake case, so the
rules are written once in CamelCase and mapped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from gitmigrate.data.rules import load_rules, parse_rules
from gitmigrate.data.validate import ValidationReport, check_rules_against_schema, validate
from gitmigrate.db.connect import create_target_engine
from gitmigrate.db.url import dialect_name
from gitmigrate.errors import ConfigError, UsageError
from gitmigrate.schema.render import quote
from tests.chinook import load_chinook

PRISTINE_TOML = """\
threshold = 0
[[check]]
table = "Customer"
column = "Email"
not_null = true
unique = true
format = '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
max_length = 60
[[check]]
table = "Customer"
column = "Country"
not_null = true
[[check]]
table = "Invoice"
column = "Total"
range = { min = 0 }
type = "number"
[[check]]
table = "Invoice"
column = "InvoiceDate"
type = "datetime"
range = { min = 2021-01-01, max = 2025-12-31T23:59:59 }
[[check]]
table = "InvoiceLine"
column = "UnitPrice"
range = { min = 0.99, max = 1.99 }
[[check]]
table = "Track"
column = "GenreId"
references = "Genre.GenreId"
[[check]]
table = "Track"
column = "MediaTypeId"
allowed = [1, 2, 3, 4, 5]
[[check]]
table = "Customer"
column = "PostalCode"
type = "integer"
threshold = 22
"""
PRISTINE_YAML = """\
threshold: 0
check:
  - table: Customer
    column: Email
    not_null: true
    unique: true
    format: '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
    max_length: 60
  - {table: Customer, column: Country, not_null: true}
  - table: Invoice
    column: Total
    range: {min: 0}
    type: number
  - table: Invoice
    column: InvoiceDate
    type: datetime
    range: {min: 2021-01-01, max: 2025-12-31T23:59:59}
  - {table: InvoiceLine, column: UnitPrice, range: {min: 0.99, max: 1.99}}
  - {table: Track, column: GenreId, references: Genre.GenreId}
  - {table: Track, column: MediaTypeId, allowed: [1, 2, 3, 4, 5]}
  - {table: Customer, column: PostalCode, type: integer, threshold: 22}
"""
_NAMED = re.compile(r"((?:table|column|references)\s*[=:]\s*)\"?([A-Za-z.]+)\"?")


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


def for_dialect(rules: str, dialect: str) -> str:
    """The rules with Chinook's names as `dialect` spells them."""
    if dialect != "postgresql":
        return rules
    return _NAMED.sub(lambda m: m[1] + '"' + ".".join(map(snake, m[2].split("."))) + '"', rules)


class Chinook:
    """A loaded Chinook database and SQL helpers that spell names for its dialect."""

    def __init__(self, url: str) -> None:
        self.dialect = dialect_name(url)
        load_chinook(url)
        self.engine: Engine = create_target_engine(url)

    def name(self, camel: str) -> str:
        return snake(camel) if self.dialect == "postgresql" else camel

    def q(self, camel: str) -> str:
        return quote(self.name(camel), self.dialect)

    def update(self, conn: Connection, table: str, column: str, value: object, key: int) -> None:
        key_column = self.q(f"{table}Id")
        conn.execute(
            text(f"UPDATE {self.q(table)} SET {self.q(column)} = :v WHERE {key_column} = :k"),
            {"v": value, "k": key},
        )

    def rules(self, toml: str) -> str:
        return for_dialect(toml, self.dialect)

    def run(self, rules_text: str, fmt: str = "toml", **kwargs: int) -> ValidationReport:
        rules = parse_rules(for_dialect(rules_text, self.dialect), fmt, f"rules.{fmt}")
        with self.engine.connect() as conn:
            return validate(conn, rules, **kwargs)


@pytest.fixture
def chinook(db_url: str) -> Iterator[Chinook]:
    loaded = Chinook(db_url)
    yield loaded
    loaded.engine.dispose()


def by_rule(report: ValidationReport) -> dict[tuple[str, str], tuple[int, str, list[object]]]:
    """(column, rule) -> (violations, status, sample keys) with names folded to CamelCase."""
    found = {}
    for r in report.results:
        column = r.check.column.replace("_", "").lower()
        keys = [s.key[0][1] for s in r.sample]
        found[column, r.rule.kind] = (r.violations, report.status(r), keys)
    return found


def test_pristine_chinook_passes_and_yaml_equals_toml(chinook: Chinook) -> None:
    report = chinook.run(PRISTINE_TOML)
    assert report.passed
    assert report.violations == 22  # postal codes like 'H2G 1A7', on their own threshold
    assert len(report.results) == 13
    postal = [r for r in report.results if r.rule.kind == "type" and r.rule.argument == "integer"]
    assert postal[0].violations == 22 and report.status(postal[0]) == "tolerated"
    assert [(dict(s.key), s.value) for s in postal[0].sample[:2]] == [
        ({chinook.name("CustomerId"): 1}, "12227-000"),
        ({chinook.name("CustomerId"): 3}, "H2G 1A7"),
    ]
    assert all(report.status(r) == "ok" for r in report.results if r is not postal[0])

    from_yaml = chinook.run(PRISTINE_YAML, "yaml")
    assert from_yaml.to_json() | {"rules_file": ""} == report.to_json() | {"rules_file": ""}

    # a date bound is an instant: the last invoice, 2025-12-22 00:00:00, is not after 2025-12-22
    dates = '[[check]]\ntable = "Invoice"\ncolumn = "InvoiceDate"\nrange = { max = %s }\n'
    assert chinook.run(dates % "2025-12-22").violations == 0
    late = chinook.run(dates % "2025-12-21T23:59:59").results[0]
    assert (late.violations, late.sample[0].key[0][1]) == (1, 412)
    assert chinook.run(dates % "'2025-12-21'").violations == 1

    # one more postal code over the check's own threshold fails the run
    strict = chinook.run(PRISTINE_TOML.replace("threshold = 22", "threshold = 21"))
    assert not strict.passed and strict.violations == 22


def test_broken_rows_are_counted_and_sampled_by_key(chinook: Chinook) -> None:
    with chinook.engine.connect() as conn:
        raw = conn.connection.driver_connection
        if chinook.dialect == "sqlite":  # before the transaction begins: a no-op inside one
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        elif chinook.dialect == "postgresql":
            conn.execute(text("SET session_replication_role = replica"))  # FK triggers off
        else:
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        chinook.update(conn, "Customer", "Email", "not-an-email", 5)
        chinook.update(conn, "Customer", "Email", "luisg@embraer.com.br", 2)  # customer 1's
        chinook.update(conn, "Customer", "Country", None, 7)
        chinook.update(conn, "Track", "GenreId", 99, 3)  # no genre 99: an orphan
        chinook.update(conn, "Invoice", "Total", -1, 10)
        conn.commit()

    report = chinook.run(PRISTINE_TOML)
    found = by_rule(report)
    assert found["email", "format"] == (1, "failed", [5])
    assert found["email", "unique"] == (2, "failed", [1, 2])
    assert found["country", "not_null"] == (1, "failed", [7])
    assert found["genreid", "references"] == (1, "failed", [3])
    assert found["total", "range"] == (1, "failed", [10])
    assert found["email", "not_null"] == (0, "ok", [])
    assert report.violations == 22 + 6 and not report.passed
    (orphan,) = [r for r in report.results if r.rule.kind == "references"]
    assert orphan.sample[0].value == 99
    (total,) = [r for r in report.results if r.rule.kind == "range" and r.violations]
    assert Decimal(str(total.sample[0].value)) == -1
    (unique,) = [r for r in report.results if r.rule.kind == "unique"]
    assert [s.value for s in unique.sample] == ["luisg@embraer.com.br"] * 2

    # thresholds: the file's counts the checks without their own
    assert chinook.run(PRISTINE_TOML.replace("threshold = 0", "threshold = 6")).passed
    assert not chinook.run(PRISTINE_TOML.replace("threshold = 0", "threshold = 5")).passed
    own = PRISTINE_TOML.replace("max_length = 60", "max_length = 60\nthreshold = 3")
    shared = chinook.run(own.replace("threshold = 0", "threshold = 3"))
    assert shared.passed and shared.shared_violations == 3
    assert by_rule(shared)["email", "unique"][1] == "tolerated"
    assert not chinook.run(own.replace("threshold = 0", "threshold = 2")).passed
    # the sample is LIMITed; the count is not
    sampled = chinook.run(PRISTINE_TOML, sample=1).results
    assert {len(r.sample) for r in sampled if r.violations} == {1}
    assert {len(r.sample) for r in chinook.run(PRISTINE_TOML, sample=0).results} == {0}


TYPED = [
    (1, "42"), (2, "-7"), (3, "4.5"), (4, "1e3"), (5, "abc"), (6, "2024-02-29"),
    (7, "2023-02-29"), (8, "2023-04-31"), (9, "2023-12-31 23:59:59"), (10, "true"),
    (11, None), (12, "2021-01-01T10:00:00Z"), (13, " 42"),
]  # fmt: skip


def test_type_length_and_case_sensitive_format_agree_on_every_dialect(db_url: str) -> None:
    dialect = dialect_name(db_url)
    engine = create_target_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE samples (id INTEGER PRIMARY KEY, v VARCHAR(40), n INTEGER)")
        )
        conn.execute(
            text("INSERT INTO samples (id, v, n) VALUES (:id, :v, :id)"),
            [{"id": i, "v": v} for i, v in TYPED],
        )
    checks = "".join(
        f'[[check]]\ntable = "samples"\ncolumn = "v"\ntype = "{kind}"\n'
        for kind in ("integer", "number", "date", "datetime", "boolean", "string")
    )
    checks += '[[check]]\ntable = "samples"\ncolumn = "v"\nmax_length = 3\nformat = "^[A-Z]"\n'
    checks += '[[check]]\ntable = "samples"\ncolumn = "n"\ntype = "integer"\n'
    with engine.connect() as conn:
        report = validate(conn, parse_rules(checks, "toml", "types.toml"), sample=20)
    engine.dispose()
    keys = {
        f"{r.check.column} {r.rule.describe()}": [s.key[0][1] for s in r.sample]
        for r in report.results
    }
    assert keys == {
        "v type integer": [3, 4, 5, 6, 7, 8, 9, 10, 12, 13],
        "v type number": [5, 6, 7, 8, 9, 10, 12, 13],
        "v type date": [1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13],  # 2023 is no leap year
        "v type datetime": [1, 2, 3, 4, 5, 6, 7, 8, 10, 13],
        "v type boolean": [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13],
        "v type string": [],
        "v max_length 3": [6, 7, 8, 9, 10, 12],
        "v format '^[A-Z]'": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13],  # 'abc' is lower case
        "n type integer": [],
    }, dialect


def test_missing_names_and_engine_regex_errors_run_nothing(chinook: Chinook) -> None:
    def error(rules: str) -> str:
        ruleset = parse_rules(chinook.rules(rules), "toml", "bad.toml")
        with chinook.engine.connect() as conn:
            with pytest.raises(UsageError) as caught:
                check_rules_against_schema(conn, ruleset)
            with pytest.raises(UsageError):
                validate(conn, ruleset)
        return str(caught.value)

    customer, email = chinook.name("Customer"), chinook.name("Email")
    message = error('[[check]]\ntable = "Customers"\ncolumn = "Email"\nnot_null = true\n')
    assert f"bad.toml:1: check #1 ({chinook.name('Customers')}.{email}): table " in message
    assert f"did you mean '{customer}'?" in message and chinook.name("InvoiceLine") in message
    message = error('[[check]]\ntable = "Customer"\ncolumn = "Emial"\nunique = true\n')
    assert f"column '{chinook.name('Emial')}' does not exist in table '{customer}'" in message
    assert f"did you mean '{email}'?" in message and chinook.name("SupportRepId") in message
    message = error(
        '[[check]]\ntable = "Track"\ncolumn = "GenreId"\nreferences = "Genre.Name"\n'
        '[[check]]\ntable = "Track"\ncolumn = "GenreId"\nreferences = "Genres.GenreId"\n'
    )
    assert "check #2" in message and f"table '{chinook.name('Genres')}' does not exist" in message
    message = error('[[check]]\ntable = "Invoice"\ncolumn = "Total"\nrange = { max = "9" }\n')
    assert "range bound '9' is not a number, but the column is numeric" in message
    if chinook.dialect == "postgresql":  # Python's re accepts it; PostgreSQL's engine does not
        message = error('[[check]]\ntable = "Customer"\ncolumn = "Email"\nformat = "(?P<n>x)"\n')
        assert "is not a valid regular expression on postgresql" in message


@pytest.mark.parametrize(
    ("text_", "fmt", "expected"),
    [
        ('threshold = 0\n[[check]]\ntable = "t"\ncolumn = "c"\nnot_nul = true\n', "toml",
         "rules.toml:5: check #1: unknown rule 'not_nul' (did you mean 'not_null'?"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nregex = "x"\n', "toml",
         "rules.toml:4: check #1: unknown rule 'regex' (did you mean 'format'?"),
        ('thresold = 1\n[[check]]\ntable = "t"\ncolumn = "c"\nunique = true\n', "toml",
         "rules.toml:1: unknown top-level key 'thresold' (did you mean 'threshold'?"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nformat = "(ab"\n', "toml",
         "rules.toml:4: check #1: format: invalid regular expression '(ab': missing )"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nformat = "[[:alpha:]]"\n', "toml",
         "rules.toml:4: check #1: format: invalid regular expression '[[:alpha:]]'"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nrange = { min = 5, max = 1 }\n', "toml",
         "rules.toml:4: check #1: range: min 5 > max 1"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nrange = { low = 5 }\n', "toml",
         "rules.toml:4: check #1: unknown range bound 'low'"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\ntype = "int"\n', "toml",
         "rules.toml:4: check #1: type: unknown type 'int' (did you mean 'integer'?"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nreferences = "other"\n', "toml",
         "rules.toml:4: check #1: references: expected 'table.column', not 'other'"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nnot_null = "yes"\n', "toml",
         "rules.toml:4: check #1: not_null: expected true or false, not 'yes'"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\nthreshold = -1\nunique = true\n', "toml",
         "rules.toml:4: check #1: threshold must be a whole number >= 0, not -1"),
        ('[[check]]\ntable = "t"\ncolumn = "c"\n', "toml", "rules.toml:1: check #1: t.c has no rule"),
        ('[[check]]\ncolumn = "c"\nunique = true\n', "toml",
         "rules.toml:1: check #1: table is missing or empty"),
        ("threshold = 0\n", "toml", "rules.toml: no checks"),
        ('[[check]]\ntable = "t\n', "toml", "rules.toml:2:11: not valid TOML: Illegal character"),
        ("check:\n  - {table: t, column: c, unique: true}\n  - table: u\n    column: c\n"
         "    ranges: {min: 0}\n", "yaml",
         "rules.yaml:5: check #2: unknown rule 'ranges' (did you mean 'range'?"),
        ("check:\n  - table: [t\n", "yaml", "rules.yaml:3:1: not valid YAML: expected ','"),
        ("- a\n", "yaml", "rules.yaml: the document must be a mapping"),
    ],
)  # fmt: skip
def test_bad_rules_files_say_where(text_: str, fmt: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_rules(text_, fmt, f"rules.{fmt}")
    assert str(caught.value).startswith(expected), str(caught.value)


def test_load_rules_reads_by_extension(tmp_path: Path) -> None:
    (tmp_path / "r.yml").write_text("check:\n  - {table: t, column: c, allowed: [a, 1]}\n")
    (only,) = load_rules(tmp_path / "r.yml").checks
    assert only.rules[0].argument == ("a", 1) and only.line == 2
    for name, problem in [("r.json", "unknown format '.json'"), ("none.toml", "does not exist")]:
        (tmp_path / "r.json").write_text("{}")
        with pytest.raises(UsageError, match=re.escape(problem)):
            load_rules(tmp_path / name)
