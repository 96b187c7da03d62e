"""`python -m gitmigrate` runs the same CLI as `git migrate`."""

from gitmigrate.cli.main import main

main()
