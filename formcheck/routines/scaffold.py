"""``formcheck routine new``: a routine file to start from, every field commented, valid as written."""

from __future__ import annotations

from pathlib import Path

from formcheck.routines.errors import RoutineError

TEMPLATE = '''\
# A formcheck routine: the exercises a person does, in order. Check it with
#   formcheck routine check {filename}
# and see what the patient will do today with
#   formcheck routine explain {filename}

# What the patient sees as the routine's name, and notes for them (and you).
name = "My routine"
notes = "Stop if you feel pain."

# One [[steps]] block per exercise, done in the order written.
[[steps]]
# Any exercise name formcheck accepts (see 'formcheck exercises'): "wall sit", "bridge", "bird dog"...
exercise = "wall sit"
# The target: hold_s = seconds held in good form (hold exercises), or reps = good repetitions
# (rep exercises). It may start below the exercise's usual range, never above its maximum.
hold_s = 30
# How many sets, and the rest after each set (seconds).
sets = 2
rest_s = 60
# Shown to the patient with the step.
note = "Back flat against the wall."
# For an exercise done one side at a time (bird dog, clamshell, side plank):
# side = "both"          # or "left" / "right"
# A calibration profile made with 'formcheck calibrate':
# profile = "anna"

# Optional: raise the target by raise_by_s (raise_by_reps for reps) after every after_days days
# on which every set met that day's target, never above up_to_s (up_to_reps).
[steps.progression]
raise_by_s = 10
up_to_s = 120
after_days = 2

[[steps]]
exercise = "glute bridge"
reps = 8
sets = 2
rest_s = 45
note = "Lift slowly, hold at the top, lower slowly."
'''


def write_scaffold(path: Path) -> None:
    """Write the commented routine to ``path``; an existing file is never overwritten."""
    try:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(TEMPLATE.format(filename=path.name))
    except FileExistsError:
        raise RoutineError(f"{path}: already exists; it was left untouched (choose another name)") from None
    except OSError as exc:
        raise RoutineError(f"{path}: cannot write the routine file: {exc.strerror or exc}") from None
