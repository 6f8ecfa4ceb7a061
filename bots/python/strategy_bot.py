"""A small Open Poker strategy bot: raises strong starting hands and made hands,
calls cheap bets with something, otherwise checks or folds.

`handle` is the same handler a WebSocket bot runs on every server message; only the
transport at the bottom differs (JSON lines on stdin/stdout, as holdem-arena's
`--bots 'exec:python3 bots/python/strategy_bot.py'` speaks). See README.md here.
"""
import json
import sys

RANKS = "23456789TJQKA"
state = {"hole": []}


def preflop_score(hole):
    """0..1: pairs and high cards score high, suited/connected a little more."""
    (r1, s1), (r2, s2) = [(RANKS.index(c[0]), c[1]) for c in hole]
    hi, lo = max(r1, r2), min(r1, r2)
    score = (hi + lo) / 24
    if r1 == r2:
        score = 0.5 + hi / 24
    if s1 == s2:
        score += 0.05
    if hi - lo == 1:
        score += 0.03
    return min(score, 1.0)


def postflop_score(hole, board):
    """0..1 from pairing the board: a set or two pair 0.9, top pair 0.7, a pair 0.5."""
    ranks = [c[0] for c in board]
    mine = [c[0] for c in hole]
    hits = sum(ranks.count(r) for r in mine)
    if mine[0] == mine[1]:
        return 0.9 if hits else 0.6
    top = max(ranks, key=RANKS.index)
    if hits >= 2:
        return 0.9
    if top in mine:
        return 0.7
    return 0.5 if hits else 0.2


def handle(msg):
    """One server message in; the reply to send (a dict) or None out."""
    t = msg.get("type")
    if t == "hole_cards":
        state["hole"] = msg["cards"]
        return None
    if t != "your_turn":
        return None
    actions = {a["action"]: a for a in msg["valid_actions"]}
    board = msg["community_cards"]
    hole = state["hole"]
    score = preflop_score(hole) if not board else postflop_score(hole, board)
    pot = msg["pot"] or 0.0
    to_call = (actions.get("call") or {}).get("amount") or 0.0
    reply = {"type": "action", "turn_token": msg["turn_token"]}
    if score >= 0.7 and "raise" in actions:
        r = actions["raise"]
        amount = max(r["min"], min(r["max"], to_call + pot))  # about pot-size
        return {**reply, "action": "raise", "amount": float(round(amount))}
    if "check" in actions:
        return {**reply, "action": "check"}
    if "call" in actions and (score >= 0.5 or to_call <= pot / 4):
        return {**reply, "action": "call"}
    return {**reply, "action": "fold"}


# Transport: JSON lines on stdin/stdout instead of a WebSocket (10 lines).
def main():
    write, flush = sys.stdout.write, sys.stdout.flush
    for line in sys.stdin:
        reply = handle(json.loads(line))
        if reply is not None:
            write(json.dumps(reply) + "\n")
            flush()


if __name__ == "__main__":
    main()
