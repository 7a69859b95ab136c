# Resumable stages for the training scripts (sourced, not run). A finished stage leaves
# $work/<stage>.done and is skipped next time; FORCE=stage re-runs that stage and the ones after
# it. The sourcing script sets `work` (the folder), `stage_label` (the log prefix) and `stages`
# (every stage name, in order), then calls forget_forced_stages and run_stage.

# Removes the .done marks of $FORCE and of every stage after it.
forget_forced_stages() {
  [[ -n "${FORCE:-}" ]] || return 0
  local hit=0 stage
  for stage in "${stages[@]}"; do
    [[ "$stage" == "$FORCE" ]] && hit=1
    [[ $hit == 1 ]] && rm -f "$work/$stage.done"
  done
  return 0
}

# run_stage NAME COMMAND...: runs COMMAND (under nice -n 19 unless it is a shell function) unless
# NAME is done, then marks it done and prints how long it took.
run_stage() {
  local name="$1"; shift
  if [[ -f "$work/$name.done" ]]; then echo "[$stage_label] $name: done already"; return; fi
  echo "[$stage_label] $name ..."
  local t0=$SECONDS
  if [[ "$(type -t "$1")" == function ]]; then "$@"; else nice -n 19 "$@"; fi
  touch "$work/$name.done"
  echo "[$stage_label] $name: $((SECONDS - t0)) s"
}
