#!/usr/bin/env bash
# Run the chosen tightrope checks on a pull request (or push) and write one JSON report per
# check into $RUNNER_TEMP/tightrope. Inputs arrive as environment variables (see action.yml).
# Exit 0 even when findings block: the publish step decides (fail-on). Exit 2 when a check
# could not run, after running the others.
set -uo pipefail

out="$RUNNER_TEMP/tightrope"
rm -rf "$out" && mkdir -p "$out"
echo "dir=$out" >> "$GITHUB_OUTPUT"

have() { git cat-file -e "$1^{commit}" 2>/dev/null; }
zero=0000000000000000000000000000000000000000

range=""
if [ -n "$BASE_SHA" ] && [ "$BASE_SHA" != "$zero" ]; then
  if ! have "$BASE_SHA" || ! have "$HEAD_SHA"; then
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
      echo "::notice title=tightrope::shallow checkout: fetching the history the range needs (use actions/checkout with fetch-depth: 0 to skip this)"
      git fetch --quiet --no-tags --unshallow origin || true
    fi
    # The pull request's commits as objects only: nothing is checked out or run.
    if ! have "$HEAD_SHA" && [ -n "$PR_NUMBER" ]; then
      git fetch --quiet --no-tags origin "+refs/pull/$PR_NUMBER/head:refs/remotes/tightrope/pr-head" || true
    fi
    have "$BASE_SHA" || git fetch --quiet --no-tags origin "$BASE_SHA" || true
  fi
  if ! have "$BASE_SHA" || ! have "$HEAD_SHA"; then
    echo "::error title=tightrope::commits $BASE_SHA..$HEAD_SHA are not in this checkout: use actions/checkout with fetch-depth: 0"
    exit 2
  fi
  range="$BASE_SHA..$HEAD_SHA"
fi

# The policy input names a file of the repository. On a pull request it is read from the base
# commit into a directory outside the checkout, so the change cannot loosen its own checks.
policy=()
if [ -n "$IN_POLICY" ] && [ -n "$range" ]; then
  mkdir -p "$out/policy"
  pfile="$out/policy/$(basename "$IN_POLICY")"
  if ! git show "$BASE_SHA:$IN_POLICY" > "$pfile" 2>/dev/null; then
    echo "::error title=tightrope::the file named by the policy input is not in the base commit: commit it on the base branch first"
    exit 2
  fi
  policy=(--policy "$pfile")
elif [ -n "$IN_POLICY" ]; then
  policy=(--policy "$IN_POLICY")
fi

failed=0
run() {  # run CHECK ARGS...: a check's exit 0/1 is a result; anything else is a failure to run
  local name=$1; shift
  echo "::group::tightrope $name"
  tightrope "$@" --format json --output "$out/$name.json" --format text
  local rc=$?
  echo "::endgroup::"
  if [ "$rc" -gt 1 ]; then
    echo "::error title=tightrope $name::could not run (exit $rc): see the log above"
    failed=1
  fi
}

IFS=, read -ra checks <<< "$IN_CHECKS"
for check in "${checks[@]}"; do
  case "${check// /}" in
    scan)
      if [ -n "$range" ]; then run scan scan --range "$range" "${policy[@]}"
      else run scan scan "${policy[@]}"; fi ;;
    verify)
      if [ -n "$range" ]; then run verify verify --range "$range" --branch "$BASE_REF" "${policy[@]}"
      else echo "::notice title=tightrope::verify needs a range (a pull request or a push): skipped"; fi ;;
    caps)
      if [ -n "$PR_NUMBER" ]; then run caps caps "${policy[@]}"
      else echo "::notice title=tightrope::caps apply to pull requests: skipped on $EVENT_NAME"; fi ;;
  esac
done
exit "$failed"
