"""The application layer: what each command asks for, its plan, and the use cases.

``requests`` holds one frozen request per command; ``plans`` each command's stages and
check selection as data; ``probe_case``, ``token_cases`` and ``audit_case`` are the use
cases (they check a request, read what it names through ``access_inputs``,
``aws_inputs`` and ``login_factory``, run the plan and return a ``results`` value);
``cloudflare_config_case`` (with ``cloudflare_from_aws``) writes no report but
Cloudflare's identity-provider JSON, from a discovery document or the AWS API;
``host`` is what a use case may ask of its caller. Below them: ``pipeline`` runs one
probe (stages, then ``checks.catalogue.run_checks``); ``multirun`` runs several users
sharing discovery and the JWKS; ``runner`` is the seam commands call (and tests
replace); ``users`` and ``baseline`` load the ``--users`` and ``--baseline`` files;
``pool_audit`` runs the AWS reads of ``--aws`` beside the HTTP stages.

May import: ``checks``, ``access``, ``stages``, ``login``, ``plumbing``, ``core``.
"""
