"""Git hooks: the pre-push gate for migration branches (`prepush`), git's and pre-commit's
ways of saying what is pushed (`protocol`), carrying the notes along (`notes_push`), and
installing the hook (`install`)."""
