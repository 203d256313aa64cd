"""Cloudflare Access as a relying party, modelled without I/O.

:mod:`.policies` reads policy and Access-group JSON as Cloudflare's API returns it,
:mod:`.application` the application object, :mod:`.identity` builds the identity Access
builds for a generic OIDC identity provider (and the trimmed ``custom`` claim of its
application token), :mod:`.rules` judges one rule for that identity and :mod:`.evaluate`
decides what the policies do with it. Every rule no primary source settles is marked
``UNSETTLED`` (or ``ASSUMED``) in the texts this package produces.
"""
