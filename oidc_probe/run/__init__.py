"""The run: stages in order, checks over what they gathered, and the CI features.

``pipeline`` runs one probe (stages, then ``checks.catalogue.run_checks``);
``multirun`` runs several users sharing discovery and the JWKS; ``runner`` is the
seam commands call (and tests replace); ``users`` and ``baseline`` load the
``--users`` and ``--baseline`` files; ``pool_audit`` runs the AWS reads of
``--aws`` beside the HTTP stages.

May import: ``checks``, ``stages``, ``login``, ``plumbing``, ``core``.
"""
