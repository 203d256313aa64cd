"""Plumbing: the technical pieces the stages, login drivers and commands share.

The one HTTP client factory with whole-request deadlines and size caps (``http``,
``deadline``) over a network backend that ``--connect-to`` can steer (``network``), JOSE decoding and key loading without I/O (``jose``), URL comparison
(``urls``, with the one definition of loopback), the secret redactor every output passes
through (``redact``), how outside text is shown in each output (``inert``), writing
output files without following links, owner-only when private (``outfile``), the
TOML/JSON data-file loader (``datafile``), the HTML page shell of the loopback
pages (``html_page``) and the boto3 Cognito client with AWS errors as one line
(``aws``; boto3 imported only when used).

May import: ``core``.
"""
