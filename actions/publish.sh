#!/usr/bin/env bash
# Show the reports written by run-checks.sh to reviewers and set the action's outputs and
# exit status. Inputs arrive as environment variables (see action.yml).
set -uo pipefail

dir="$RUNNER_TEMP/tightrope"
shopt -s nullglob
reports=("$dir"/*.json)
if [ "${#reports[@]}" -eq 0 ]; then
  echo "::error title=tightrope::no report was written: see the step before this one"
  exit 2
fi

args=(--summary "$GITHUB_STEP_SUMMARY" --github-output "$GITHUB_OUTPUT" --fail-on "$IN_FAIL_ON")
if [ "$IN_SARIF" = true ]; then
  args+=(--format sarif --output "$dir/tightrope.sarif")
  echo "sarif-path=$dir/tightrope.sarif" >> "$GITHUB_OUTPUT"
fi
args+=(--format github)  # annotations on stdout; after every --format/--output pair
[ "$IN_COMMENT" = true ] && [ -n "$PR_NUMBER" ] && args+=(--github-comment "$PR_NUMBER")
[ "$IN_CHECK_RUN" = true ] && args+=(--github-check-run "$HEAD_SHA")
exec tightrope publish "${args[@]}" "${reports[@]}"
