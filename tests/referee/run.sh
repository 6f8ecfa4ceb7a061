#!/usr/bin/env bash
# PokerKit referee: exports hands from varied line-ups as PHH and replays them with
# PokerKit's state machine (tests/referee/pokerkit_referee.py).
#
# Usage: tests/referee/run.sh HOLDEM_ARENA_BINARY PYTHON WORK_DIR
# PYTHON must have pokerkit installed (.ci/run makes a virtual environment).
set -euo pipefail
bin=$1
python=$2
work=$3
here=$(dirname "$0")
mkdir -p "$work"

n=0
export_hands() { # NAME HANDS SAMPLE-OPTION BOTS STACKS ANTE
  local name=$1 hands=$2 sample=$3 bots=$4 stacks=$5 ante=$6
  n=$((n + 1))
  "$bin" run --bots "$bots" --stacks "$stacks" --ante "$ante" --hands "$hands" \
    --seed "$((1000 + n))" --threads 2 --out "$work/$name" \
    --hand-histories "$work/$name.phhs" $sample > /dev/null
}

# Heads-up, deep against short, no ante; and a big blind left short by the ante.
export_hands hu-allin 3000 "--history-hands 3000" allin,random 500,3000 0
export_hands hu-short 2000 "--history-hands 2000" random,raise 20,2000 5
# Three seats, three stack sizes: side pots.
export_hands three 3000 "--history-hands 3000" allin,random,call 300,1000,2000 0
export_hands three-short 2000 "--history-hands 2000" allin,allin,random 20,25,40 5
# Six seats: all-in bots over six stack sizes with antes; the default line-up.
export_hands six-allin 4000 "--history-hands 4000" allin,random,raise,allin,random,call 100,400,800,1500,2000,3000 5
export_hands six-default 2000 "--history-hands 2000" tag,call,random,raise,equity,call 2000,2000,2000,2000,2000,2000 0
# Ten seats: ten stack sizes and antes; ten random bots, every 10th hand sampled.
export_hands ten-allin 4000 "--history-hands 4000" allin,random,raise,call,tag,allin,random,random,allin,call 20,60,150,300,600,1000,1500,2500,4000,8000 10
export_hands ten-random 20000 "--history-every 10" random,random,random,random,random,random,random,random,random,random 2000,2000,2000,2000,2000,2000,2000,2000,2000,2000 0

# Stacks drawn per deal (--stack-range): different stacks every hand, 3 and 6 seats.
"$bin" run --bots allin,random,call --stack-range 1bb..150bb --ante 2 --hands 2000 \
  --seed 2001 --threads 2 --out "$work/range-three" \
  --hand-histories "$work/range-three.phhs" --history-hands 2000 > /dev/null
"$bin" run --bots tag,allin,random,raise,equity,call --stack-range 5bb..300bb --hands 2000 \
  --seed 2002 --threads 2 --out "$work/range-six" \
  --hand-histories "$work/range-six.phhs" --history-hands 2000 > /dev/null

# Sessions (--session): stacks carried over, busted seats sitting out (PHH lists the
# seats dealt in), rebuys after a cooldown; and a duplicate session run without rebuys.
"$bin" run --bots allin,random,raise,call,tag,allin --session 60 --rebuy-cooldown 4 --hands 3000 \
  --seed 2003 --threads 2 --out "$work/session-six" \
  --hand-histories "$work/session-six.phhs" --history-hands 3000 > /dev/null
"$bin" run --bots tag,random,call --session 40 --rebuy never --duplicate --ante 2 --hands 2000 \
  --seed 2004 --threads 2 --out "$work/session-three" \
  --hand-histories "$work/session-three.phhs" --history-hands 2000 > /dev/null

"$python" "$here/pokerkit_referee.py" "$work"/*.phhs
