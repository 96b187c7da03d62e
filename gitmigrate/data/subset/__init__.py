"""Subsets of a database closed under foreign keys (`git migrate env subset`, data mode
`subset`): the graph of the source's tables, the closure of the root rows, and the chunked,
checkpointed, masked load into the target."""
