"""Runs a bot and, when the engine closes its input at the end of the run, appends
its decisions and CPU time to the file named by $CPU_REPORT (default cpu_report.txt).

    holdem-arena run --bots 'call,exec:python3 bots/python/cpu_report.py bots/python/call_bot.py'

Measures the Python side alone: decisions per second of the bot process's CPU time.
"""
import os
import runpy
import sys

path = sys.argv[1]
sys.argv = sys.argv[1:]
bot = runpy.run_path(path)  # defines handle and main without running main
handle, decisions = bot["handle"], [0]


def counting(msg):
    reply = handle(msg)
    decisions[0] += reply is not None
    return reply


bot["main"].__globals__["handle"] = counting
bot["main"]()
t = os.times()
cpu = t.user + t.system
with open(os.environ.get("CPU_REPORT", "cpu_report.txt"), "a") as f:
    f.write(f"{os.path.basename(path)}: {decisions[0]} decisions in {cpu:.2f} CPU-s "
            f"(user {t.user:.2f}, sys {t.system:.2f}): {decisions[0] / max(cpu, 1e-9):.0f} decisions per CPU-second\n")
