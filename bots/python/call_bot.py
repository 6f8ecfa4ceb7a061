"""Calling station for Open Poker: checks when it can, else calls, never folds.

`handle` is the same handler a WebSocket bot runs on every server message; only the
transport at the bottom differs (JSON lines on stdin/stdout, as holdem-arena's
`--bots 'exec:python3 bots/python/call_bot.py'` speaks). See README.md here.
"""
import json
import sys


def handle(msg):
    """One server message in; the reply to send (a dict) or None out."""
    if msg.get("type") != "your_turn":
        return None
    offered = {a["action"] for a in msg["valid_actions"]}
    action = "check" if "check" in offered else "call" if "call" in offered else "fold"
    return {"type": "action", "action": action, "turn_token": msg["turn_token"]}


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
