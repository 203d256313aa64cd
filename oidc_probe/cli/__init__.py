"""The subcommands behind ``oidc-probe``; ``oidc_probe.cli.main`` only parses and dispatches.

Each module is imported only when its command runs, to keep start-up fast.
"""
