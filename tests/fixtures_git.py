"""Real git repositories in temp dirs, with identities and dates pinned."""
