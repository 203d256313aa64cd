"""The vocabulary of a run: what every other layer talks in.

Findings, statuses and stages (``model``), the run context the stages fill
(``context``, ``active``), the Cloudflare identity-provider config (``config``), the
run's settings and defaults (``settings``, ``defaults``, the ``--connect-to`` rules in
``connect_to``), user expectations
(``expect``), reference prefixes (``refs``), JSON type names (``jsontypes``), Cognito
URL facts (``cognito``), what the pool audit read through the AWS API (``pool``) and the typed errors the CLI turns into exit codes (``errors``).
``textfile`` reads the files a user names (regular files only, with a size cap).

May import: the standard library only (and httpx2 for type annotations). No network
I/O here; the only files read are the user's inputs (``config``, via ``textfile``).
"""
