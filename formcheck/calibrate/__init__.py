"""Calibrating an exercise: personal thresholds from a reference hold (:mod:`.reference`), default
thresholds fitted on labelled clips (:mod:`.fit`, with :mod:`.roc`), the values each check measures
(:mod:`.measure`), where the landmarks come from (:mod:`.sources`), and writing calibration files
(:mod:`.profiles`).

Import from the module you need: this package imports none of them, so that ``calibrate
reference`` does not load matplotlib, which only ``fit`` draws with.

The command group is :data:`formcheck.cli.calibrate.calibrate`.
"""
