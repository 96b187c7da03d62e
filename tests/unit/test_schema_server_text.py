"""The normal form of definitions MariaDB and SQLite keep as written: the same object written
with another DEFINER, spacing, comments, OR REPLACE or IF NOT EXISTS compares equal, and
anything inside quotes is left alone."""

from __future__ import annotations

import pytest

from gitmigrate.schema.objects.server_text import collapse, mysql_definition, sqlite_definition

TRIGGER = "CREATE TRIGGER `t` AFTER INSERT ON `users` FOR EACH ROW INSERT INTO log VALUES ('a  b')"


@pytest.mark.parametrize(
    "written",
    [
        TRIGGER,
        "CREATE DEFINER=`root`@`localhost` TRIGGER `t` AFTER INSERT ON `users` FOR EACH ROW "
        "INSERT INTO log VALUES ('a  b')",
        "CREATE DEFINER='app'@'%' TRIGGER `t` AFTER INSERT ON `users`\n  FOR EACH ROW\n"
        "    INSERT INTO log VALUES ('a  b');",
        "CREATE DEFINER = CURRENT_USER TRIGGER `t` AFTER INSERT ON `users` FOR EACH ROW "
        "INSERT INTO log VALUES ('a  b') ;",
        "CREATE OR REPLACE TRIGGER `t` AFTER INSERT ON `users` -- audit\nFOR EACH ROW "
        "/* why */ INSERT INTO log VALUES ('a  b')",
        "CREATE TRIGGER IF NOT EXISTS `t` AFTER INSERT ON `users` FOR EACH ROW "
        "# note\nINSERT INTO log VALUES ('a  b')",
    ],
)
def test_mysql_variants_share_one_normal_form(written: str) -> None:
    assert mysql_definition(written) == TRIGGER


def test_normal_form_is_stable() -> None:
    once = mysql_definition("CREATE  DEFINER=root@localhost  FUNCTION f() RETURNS INT RETURN 1;")
    assert once == "CREATE FUNCTION f() RETURNS INT RETURN 1"
    assert mysql_definition(once) == once


def test_quotes_keep_their_spacing_comment_markers_and_escapes() -> None:
    sql = "SELECT 'it''s  -- here',  \"a\\\"  #b\",  `odd  ``name`` ` -- gone\n FROM t"
    assert collapse(sql) == "SELECT 'it''s  -- here', \"a\\\"  #b\", `odd  ``name`` ` FROM t"


def test_version_comments_run_so_they_stay() -> None:
    assert collapse("SELECT /*!50000 1 */ ,  /* plain */ 2") == "SELECT /*!50000 1 */ , 2"


def test_mysql_double_dash_needs_a_space_to_start_a_comment() -> None:
    assert collapse("SELECT 1--1") == "SELECT 1--1"


def test_a_body_differing_only_in_a_literal_still_differs() -> None:
    a = mysql_definition("CREATE TRIGGER t BEFORE INSERT ON u FOR EACH ROW SET NEW.x = 'a'")
    b = mysql_definition("CREATE TRIGGER t BEFORE INSERT ON u FOR EACH ROW SET NEW.x = 'b'")
    assert a != b


def test_sqlite_trigger_normal_form() -> None:
    written = (
        "CREATE TRIGGER IF NOT EXISTS t\n  AFTER INSERT ON u -- note\nBEGIN\n  SELECT 1;\nEND;"
    )
    assert sqlite_definition(written) == "CREATE TRIGGER t AFTER INSERT ON u BEGIN SELECT 1; END"
