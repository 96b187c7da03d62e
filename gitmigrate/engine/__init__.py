"""The execution engine: order, safety and records; executors own only their target.

apply.apply / apply.resume   run pending steps (stepper.Stepper runs one step)
rollback.rollback            undo applied steps, newest first
verify.verify                re-run verifies, check drift
status.target_status         what a target's ledger says
"""
