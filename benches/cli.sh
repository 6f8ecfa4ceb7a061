#!/usr/bin/env bash
# The CLI's default path as users run it, with rs_poker 5.0.0's arena as the peer:
# `holdem-arena run` (all-in adjustment on unless the row says otherwise) and
# `examples/rs_poker_arena.rs`, run in turn (ours, peer, ours, peer, ...) so that
# both see the same machine, ROUNDS times; prints the median hands per second of
# each and their ratio as a Markdown table. Ours is `run.json`'s hands_per_second
# (hands played over the run's elapsed time); the peer prints its own.
#
#   benches/cli.sh                        # 5 rounds, the issue's hand counts
#   ROUNDS=3 SCALE=0.2 benches/cli.sh     # quicker: a fifth of the hands
#   BASELINE=/path/to/old/holdem-arena benches/cli.sh   # adds an "old" column
#
# Needs only bash, awk and cargo. Run it on a quiet machine; the ratios hold better
# than the absolute figures.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
SCALE=${SCALE:-1}
BASELINE=${BASELINE:-}
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin holdem-arena --example rs_poker_arena
OURS=target/release/holdem-arena
PEER=target/release/examples/rs_poker_arena
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

hands() { awk -v n="$1" -v s="$SCALE" 'BEGIN { h = int(n * s); print (h < 1000 ? 1000 : h) }'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# ours BINARY THREADS HANDS ARGS...: one run, prints its hands per second.
ours() {
    local bin=$1 threads=$2 n=$3
    shift 3
    "$bin" run --seed 1 --threads "$threads" --hands "$n" --out "$OUT/run" "$@" >/dev/null
    sed -n 's/.*"hands_per_second": *\([0-9.]*\).*/\1/p' "$OUT/run/run.json"
}
peer() { "$PEER" "$@" | sed -n 's/.*: \([0-9.]*\) hands\/s/\1/p'; }

echo "| line-up (CLI, $ROUNDS rounds, medians) | hands | holdem-arena 1 thread | 2 threads (× 1 thread) | rs_poker 5.0.0 arena, 1 thread | ratio 1 thread |${BASELINE:+ old binary, 1 thread | × old |}"
echo "| --- | --- | --- | --- | --- | --- |${BASELINE:+ --- | --- |}"
row() {
    local label=$1 n=$2 peer_args=$3
    shift 3
    local one="" two="" rs="" old=""
    for _ in $(seq "$ROUNDS"); do
        one+=" $(ours "$OURS" 1 "$n" "$@")"
        two+=" $(ours "$OURS" 2 "$n" "$@")"
        if [ -n "$peer_args" ]; then
            # shellcheck disable=SC2086 # the peer's arguments are words
            rs+=" $(peer $peer_args)"
        fi
        if [ -n "$BASELINE" ]; then old+=" $(ours "$BASELINE" 1 "$n" "$@")"; fi
    done
    one=$(echo "$one" | median)
    two=$(echo "$two" | median)
    local cells
    cells=$(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.3g M/s | %.3g M/s (%.2f×)", a / 1e6, b / 1e6, b / a }')
    if [ -n "$peer_args" ]; then
        rs=$(echo "$rs" | median)
        cells+=$(awk -v a="$one" -v r="$rs" 'BEGIN { printf " | %.0f k/s | %.1f×", r / 1e3, a / r }')
    else
        cells+=" | – | –"
    fi
    if [ -n "$BASELINE" ]; then
        old=$(echo "$old" | median)
        cells+=$(awk -v a="$one" -v o="$old" 'BEGIN { printf " | %.3g M/s | %.2f×", o / 1e6, a / o }')
    fi
    echo "| $label | $n | $cells |"
}

SIX=random,random,random,random,random,random
row '`call,call` heads-up' "$(hands 3000000)" "call 2 $(hands 300000)" --bots call,call
row '`random` ×6 (adjustment on, the default)' "$(hands 1000000)" "random 6 $(hands 200000)" --bots "$SIX"
row '`random` ×6, `--no-allin-adjust`' "$(hands 1000000)" "random 6 $(hands 200000)" --bots "$SIX" --no-allin-adjust
row 'default line-up (adjustment on)' "$(hands 200000)" "" --bots tag,call,random,raise,equity,call
