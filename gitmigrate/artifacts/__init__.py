"""Review artifacts of a migration (`git migrate plan`): migration-plan.md, rollback-plan.md,
validation-report.md and runnable scripts with run.sh. `gather` collects the facts once
(branch, notes, optional live target); one module per artifact renders them; `generate`
writes them into the output directory and nowhere else."""
