"""The command line: parsing, building the request, calling the use case, printing.

``main`` builds the parser and turns every error into one line and an exit code;
``table`` names the subcommands (and imports nothing, for a fast ``--help``). Each
subcommand lives in its own module with ``add_options(parser)`` and
``run(args, console, probe) -> int`` (``check``, ``discover``, ``verify``,
``cloudflare_config``, ``audit``, ``demo``, ``fake_cognito``, ``checks``, ``explain``);
``requests`` turns the parsed arguments into the request of ``oidc_probe.run.requests``
(the only module that reads them); the pieces they share are ``options``, ``inputs``,
``output``, ``login_modes``, ``aws_options``, ``idp_output``, ``console``, ``parser`` and
``argtypes``. Each module is imported only when its command runs.

May import: every layer below (``report``, ``run``, ...), but no stage and no check
(``catalogue`` lists them). Only ``demo`` and ``fake_cognito`` may import the emulator.
"""
