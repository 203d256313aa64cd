"""The check catalogue: small pure functions over the run context, with stable IDs.

``registry`` is how a check registers; ``catalogue`` imports every check module and
answers "which checks are there" (``all_checks``, ``get_check``, ``run_checks``). One module per stage
(``config``, ``discovery``, ``jwks``, ``authorize``, ``token``, ``id_token``,
``claims``, ``scopes``, ``userinfo``, ``active``, ``expect``, ``pool``, ``access_policies``, ``access_app``,
``access_token``); shared helpers are ``_support``,
``_inputs``, ``_claims``, ``_pool_causes`` and ``hints``; ``needs`` declares the inputs a check
takes (each check declares on itself what it needs and the login modes it cannot judge).

May import: ``core`` and the pure parts of ``plumbing`` (``jose``, ``urls``,
``redact``); never a stage, a login driver or the HTTP client.
"""
