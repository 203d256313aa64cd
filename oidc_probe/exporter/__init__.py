"""``oidc-probe exporter``: the probe as a Prometheus exporter (blackbox_exporter convention).

- :mod:`.config`: the exporter's TOML file (modules: which IdP, which login, which user);
- :mod:`.adapter`: the one function that runs a probe for a module: ``check``'s use case
  (:mod:`oidc_probe.run.probe_case`) with a request built from the module;
- :mod:`.metrics`: a probe's result as Prometheus metrics, and the exporter's own;
- :mod:`.scheduler`: one probe per module at a time, a global limit, the deadline;
- :mod:`.server`: the HTTP endpoints ``/probe`` and ``/metrics``.

The metric names and labels are documented in ``docs/monitoring/README.md`` and are as
stable as the check IDs.
"""
