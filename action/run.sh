#!/usr/bin/env bash
# The step of action.yml: install oidc-probe from the action's checkout, run the check,
# write the job summary and the JUnit file; the exit code is oidc-probe's (1: a check
# failed, 2: a usage or configuration error), which fails the job.
#
# Reads the INPUT_* variables action.yml sets and the runner's GITHUB_ACTION_PATH,
# GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and RUNNER_TEMP. tests/install/test_action.py runs it
# the same way.
set -euo pipefail

source_dir="${GITHUB_ACTION_PATH:?the runner sets GITHUB_ACTION_PATH}"
temp="${RUNNER_TEMP:-$(mktemp -d)}"
venv="$temp/oidc-probe-venv"
format="${INPUT_FORMAT:-github}"
junit="${INPUT_JUNIT:-oidc-probe-junit.xml}"

# Inputs reach the Actions log and GITHUB_OUTPUT: never echo one raw (a newline would
# start a workflow command line or add an output). The format is one of two words and
# is named only after it matched; a shown bad value keeps letters, digits and ._- only.
case "$format" in
  github|text) ;;
  *)
    shown="$(printf '%s' "$format" | tr -cd '[:alnum:]._-' | cut -c1-40)"
    echo "oidc-probe action: format must be github or text, got '$shown'" >&2
    exit 2
    ;;
esac
case "$junit" in
  *[[:cntrl:]]*)
    echo "oidc-probe action: the junit input must be a path without newlines or control characters" >&2
    exit 2
    ;;
esac
if [ -z "${INPUT_CONFIG:-}" ]; then
  echo "oidc-probe action: the config input is required" >&2
  exit 2
fi

# uv when the runner has it (faster, and offline from its cache), else pip.
if command -v uv >/dev/null 2>&1; then
  uv venv --quiet --python python3 "$venv"
  uv pip install --quiet --python "$venv/bin/python" "$source_dir[aws]"
else
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_dir[aws]"
fi

args=(check --config "$INPUT_CONFIG" --format "$format" --output "junit=$junit" --quiet)
if [ -n "${INPUT_USERS:-}" ]; then
  args+=(--users "$INPUT_USERS")
elif [ -n "${INPUT_USERNAME:-}" ]; then
  args+=(--login form --username "$INPUT_USERNAME")
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=(--baseline "$INPUT_BASELINE")
fi
# --format github appends the Markdown summary to GITHUB_STEP_SUMMARY itself; text does not.
summary="$temp/oidc-probe-summary.md"
if [ "$format" = text ]; then
  args+=(--output "markdown=$summary")
fi

set +e
"$venv/bin/oidc-probe" "${args[@]}"
code=$?
set -e

if [ "$format" = text ] && [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "junit=$junit" >> "$GITHUB_OUTPUT"
fi
exit "$code"
